"""The scorecard for partner systems and analysts' tools: the same figures, the same disclosure control
and the same commentary rules as the pages. Roles without partnership figures get 404, as on the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, ErrorOut

from . import scorecard, services
from .periods import Period, PeriodError, latest_complete

router = Router(tags=["oversight"])

PERIOD = r"^(month|quarter|year):\d{4}-\d{2}$"


class FigureOut(Schema):
    text: str = Field(..., description='As the reader may see it: "95 of 100 (95%)", "fewer than 5", …')
    value: float | None = Field(..., description="The count or percentage; null when empty or withheld")


class MeasureOut(Schema):
    code: str
    group: str
    title: str
    unit: str
    definition: str
    owner: str
    target: float | None
    rule: str
    rag: str = Field(..., description="red, amber, green, or empty (no target, or no figure)")
    direction: str
    current: FigureOut
    previous: FigureOut
    year_ago: FigureOut
    trend: list[dict[str, Any]] = Field(..., description="[{period, label, text, value}], oldest first")
    commentary: str | None


class ScorecardOut(Schema):
    period: str
    label: str
    definition_version: int
    partnerships: list[str]
    as_of: datetime | None
    measures: list[MeasureOut]


class CommentaryIn(Schema):
    period: str = Field(..., pattern=PERIOD)
    partnership: int | None = Field(None, description="Omit for the pan-area total")
    text: str = Field(..., min_length=1, max_length=5000, pattern=NON_BLANK)
    actions: str = Field("", max_length=5000)
    version: int = Field(0, ge=0, description="The commentary's version you edited; 0 for the first")


class CommentaryOut(Schema):
    measure: str
    period: str
    text: str
    actions: str
    version: int
    written_by: str
    written_at: datetime


def _figure(c: scorecard.Cell) -> dict[str, Any]:
    return {"text": c.text, "value": c.value}


def _parse(period: str | None) -> Period:
    if not period:
        return latest_complete("month")
    try:
        return Period.parse(period)
    except PeriodError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"period": [str(exc)]}) from None


@router.get(
    "/scorecard",
    response={200: ScorecardOut, 404: ErrorOut, 422: ErrorOut},
    summary="The exploitation scorecard for a period (default: the last complete month)",
)
def get_scorecard(
    request: HttpRequest, period: str | None = None, partnership: int | None = None
) -> Status[Any]:
    if not capabilities(request.user).aggregates:
        return Status(404, {"detail": "Not found"})
    try:
        card = scorecard.build(request.user, _parse(period), partnership)
    except LookupError:
        return Status(404, {"detail": "Not found"})
    return Status(
        200,
        {
            "period": card.period.key,
            "label": card.period.label,
            "definition_version": card.measure_set.version,
            "partnerships": [p.name for p in card.partnerships],
            "as_of": card.as_of,
            "measures": [
                {
                    "code": r.measure.code,
                    "group": r.measure.group,
                    "title": r.measure.title,
                    "unit": r.measure.unit,
                    "definition": r.measure.definition,
                    "owner": r.measure.owner,
                    "target": r.measure.target,
                    "rule": r.rag.rule,
                    "rag": r.rag.colour,
                    "direction": r.direction,
                    "current": _figure(r.current),
                    "previous": _figure(r.previous),
                    "year_ago": _figure(r.year_ago),
                    "trend": [
                        {"period": p.key, "label": p.label, "text": c.text, "value": c.value}
                        for p, c in r.trend
                    ],
                    "commentary": r.commentary.text if r.commentary else None,
                }
                for r in card.rows
            ],
        },
    )


@router.put(
    "/measures/{code}/commentary",
    response={200: CommentaryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Write (or change) the owner's commentary on a red measure for a period",
)
def put_commentary(request: HttpRequest, code: str, payload: CommentaryIn) -> Status[Any]:
    if not capabilities(request.user).aggregates:
        return Status(404, {"detail": "Not found"})
    try:
        comment = services.commentary_save(
            measure_code=code,
            period=_parse(payload.period),
            partnership_id=payload.partnership,
            text=payload.text,
            actions=payload.actions,
            version=payload.version,
            by=signed_in(request),
        )
    except LookupError:
        return Status(404, {"detail": "Not found"})
    return Status(
        200,
        {
            "measure": comment.measure,
            "period": comment.period,
            "text": comment.text,
            "actions": comment.actions,
            "version": comment.version,
            "written_by": comment.written_by_label,
            "written_at": comment.written_at,
        },
    )
