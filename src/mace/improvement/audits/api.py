"""Audits for partner systems: each audit's results (computed, beside the last audit of the same tool) and
an auditor's answers for a record, with the same access and the same rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.api import ErrorOut

from ..selectors import NotFound
from . import selectors, services

router = Router(tags=["audits"])


class AuditResultOut(Schema):
    question: str
    text: str = Field(..., description="The question as the tool words it")
    result: str = Field(..., description="'53 of 61 (87%)', or as a reader of aggregates may see it")
    percent: int | None
    previous: str | None = Field(None, description="The last audit of the same tool")
    change: int | None = Field(None, description="Percentage points since the last audit")


class AuditOut(Schema):
    id: int
    title: str
    tool: str
    tool_version: int
    period_start: date
    period_end: date
    rule: str
    records: int
    answered: int
    complete: bool
    results: list[AuditResultOut]


class AuditAnswerIn(Schema):
    question: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$")
    answer: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$")
    note: str = Field("", max_length=2000)


class AuditAnswersIn(Schema):
    answers: list[AuditAnswerIn] = Field(..., min_length=1)


def _audit(user: Any, audited: Any) -> dict[str, Any]:
    r = selectors.results(audited)
    suppress = selectors.suppress(user)
    return {
        "id": audited.pk,
        "title": audited.title,
        "tool": audited.tool_code,
        "tool_version": audited.tool_version,
        "period_start": audited.period_start,
        "period_end": audited.period_end,
        "rule": audited.rule.get("described", ""),
        "records": r.records,
        "answered": r.answered,
        "complete": audited.completed_at is not None,
        "results": [
            {
                "question": row.question.code,
                "text": row.question.text,
                "result": row.rate.shown(suppress=suppress),
                "percent": row.rate.percent if not suppress or row.rate.of >= 5 else None,
                "previous": row.before.shown(suppress=suppress) if row.before else None,
                "change": row.change,
            }
            for row in r.rows
        ],
    }


@router.get("", response={200: list[AuditOut]}, summary="The audits of your partnerships, with their results")
def list_audits(request: HttpRequest) -> Status[Any]:
    return Status(200, [_audit(request.user, a) for a in selectors.audits_for(request.user)[:200]])


@router.get("/{audit_id}", response={200: AuditOut, 404: ErrorOut}, summary="One audit and its results")
def get_audit(request: HttpRequest, audit_id: int) -> Status[Any]:
    try:
        return Status(200, _audit(request.user, selectors.audit_for(request.user, audit_id)))
    except NotFound:
        return Status(404, {"detail": "Not found"})


@router.post(
    "/{audit_id}/records/{record_id}/answers",
    response={200: AuditOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="An auditor's answers for one record of the audit (refused outside the tool's scale)",
)
def post_answers(request: HttpRequest, audit_id: int, record_id: int, payload: AuditAnswersIn) -> Status[Any]:
    try:
        audited = selectors.audit_for(request.user, audit_id)
        record, _ = selectors.record_for(request.user, audited, record_id)
    except NotFound:
        return Status(404, {"detail": "Not found"})
    services.record_answer(
        record=record,
        answers={a.question: a.answer for a in payload.answers},
        notes={a.question: a.note for a in payload.answers},
        by=signed_in(request),
    )
    return Status(200, _audit(request.user, selectors.audit_for(request.user, audit_id)))
