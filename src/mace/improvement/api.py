"""The action plans for partner systems and the business manager's tools: the same computed RAG, the same
access and the same rules for an update as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.api import NON_BLANK, ErrorOut, VersionConflictOut, conflict_shows

from . import rag as rules
from . import selectors, services
from .models import Action, ProgressUpdate

router = Router(tags=["improvement"])


class ImprovementEvidenceOut(Schema):
    kind: str = Field(..., description="document, audit or measure")
    description: str
    link: str
    measure_code: str


class ProgressUpdateOut(Schema):
    on: date
    text: str
    rag: str
    by: str
    recorded_at: datetime


class ImprovementActionOut(Schema):
    plan: int
    ref: str
    area: str
    text: str
    owner: str
    owner_user_id: int | None = Field(None, description="The owner's MACE account, if one is set")
    due: date | None
    due_note: str
    owner_rag: str = Field(..., description="The owner's latest judgement")
    rag: str = Field(..., description="Computed: red, amber or green")
    reason: str
    flags: list[str]
    version: int
    last_update: ProgressUpdateOut | None
    evidence: list[ImprovementEvidenceOut]


class ImprovementEvidenceIn(Schema):
    kind: str = Field(..., pattern=r"^(document|audit|measure)$")
    description: str = Field(..., min_length=1, max_length=2000, pattern=NON_BLANK)
    link: str = Field("", max_length=500)
    measure_code: str = Field("", max_length=60)


class ProgressUpdateIn(Schema):
    on: date = Field(
        ..., description="The date the update is as of: not before the action, not in the future"
    )
    text: str = Field(..., min_length=1, max_length=10000, pattern=NON_BLANK)
    rag: str = Field(..., pattern=r"^(red|amber|green)$", description="The owner's judgement")
    evidence: list[ImprovementEvidenceIn] = Field(default_factory=list)
    no_evidence_reason: str = Field(
        "", max_length=2000, description="Green with no evidence on the action: why there is none"
    )
    version: int = Field(..., ge=1, description="The action's version you read")


def _update(u: ProgressUpdate | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {"on": u.on, "text": u.text, "rag": u.rag, "by": u.by_label, "recorded_at": u.recorded_at}


def _action(row: selectors.ActionRow) -> dict[str, Any]:
    a: Action = row.action
    return {
        "plan": a.area.plan_id,
        "ref": a.ref,
        "area": a.area.number,
        "text": a.text,
        "owner": a.owner,
        "owner_user_id": a.owner_user_id,
        "due": a.due,
        "due_note": a.due_note,
        "owner_rag": a.owner_rag,
        "rag": row.judgement.colour,
        "reason": row.judgement.reason,
        "flags": list(row.judgement.flags),
        "version": a.version,
        "last_update": _update(row.last_update),
        "evidence": [
            {"kind": e.kind, "description": e.description, "link": e.link, "measure_code": e.measure_code}
            for e in a.evidence.all()
        ],
    }


conflict_shows(
    Action,
    lambda a: {
        "ref": a.ref,
        "owner_rag": a.owner_rag,
        "version": a.version,
        "completed_on": a.completed_on.isoformat() if a.completed_on else None,
    },
)


@router.get(
    "/actions",
    response={200: list[ImprovementActionOut], 422: ErrorOut},
    summary="The actions of the plans you may read, with their computed RAG (filter by RAG, owner, area)",
)
def list_actions(
    request: HttpRequest,
    rag: str | None = Query(None, pattern=r"^(red|amber|green)$", description="The computed RAG"),
    owner: str | None = Query(None, max_length=300, description="Part of the owner's name"),
    area: str | None = Query(None, max_length=10, description="A priority area, such as 1.1"),
    plan: int | None = None,
) -> Status[Any]:
    filters = selectors.Filters(rag=rag or "", owner=owner or "", area=area or "")
    rows = selectors.actions_for_api(request.user, filters, plan)
    return Status(200, [_action(r) for r in rows])


@router.post(
    "/actions/{ref}/updates",
    response={
        201: ImprovementActionOut,
        403: ErrorOut,
        404: ErrorOut,
        409: VersionConflictOut,
        422: ErrorOut,
    },
    summary="Add a progress update (with evidence) to an action",
)
def post_update(
    request: HttpRequest, ref: str, payload: ProgressUpdateIn, plan: int | None = None
) -> Status[Any]:
    try:
        action = selectors.action_by_ref(request.user, ref, plan)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    if payload.rag not in rules.COLOURS:
        raise ValidationError({"rag": ["Choose red, amber or green"]})
    services.update_add(
        action=action,
        on=payload.on,
        text=payload.text,
        owner_rag=payload.rag,
        evidence=[
            services.EvidenceIn(
                kind=e.kind, description=e.description, link=e.link, measure_code=e.measure_code
            )
            for e in payload.evidence
        ],
        no_evidence_reason=payload.no_evidence_reason,
        version=payload.version,
        by=signed_in(request),
    )
    fresh = selectors.action_by_ref(request.user, ref, action.area.plan_id)
    return Status(201, _action(selectors.as_at(fresh, timezone.localdate())))


class ImprovementActionOwnerIn(Schema):
    owner: str = Field(
        "", max_length=300, description="A person or a partnership group; blank: the account's name"
    )
    owner_user_id: int | None = Field(None, description="A user of the plan's partnership, or null for none")
    version: int = Field(..., ge=1, description="The action's version you read")


@router.put(
    "/actions/{ref}/owner",
    response={
        200: ImprovementActionOut,
        403: ErrorOut,
        404: ErrorOut,
        409: VersionConflictOut,
        422: ErrorOut,
    },
    summary="Set who owns an action: in words and, optionally, their MACE account",
)
def put_owner(
    request: HttpRequest, ref: str, payload: ImprovementActionOwnerIn, plan: int | None = None
) -> Status[Any]:
    try:
        action = selectors.action_by_ref(request.user, ref, plan)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    chosen = None
    if payload.owner_user_id is not None:
        chosen = next(
            (
                u
                for u in selectors.owner_candidates(action.area.plan.partnership_id)
                if u.pk == payload.owner_user_id
            ),
            None,
        )
        if chosen is None:
            raise ValidationError({"owner_user": ["Choose a user of the plan's partnership"]})
    services.action_owner_set(
        action=action, owner=payload.owner, owner_user=chosen, version=payload.version, by=signed_in(request)
    )
    fresh = selectors.action_by_ref(request.user, ref, action.area.plan_id)
    return Status(200, _action(selectors.as_at(fresh, timezone.localdate())))


from .training.api import router as training_router  # noqa: E402

router.add_router("/training", training_router)

from .audits.api import router as audits_router  # noqa: E402
from .reviews.api import router as reviews_router  # noqa: E402

router.add_router("/audits", audits_router)
router.add_router("/reviews", reviews_router)
