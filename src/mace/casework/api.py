"""Casework for partner systems: a child's activity timetable week by week against the targets, and
supervision compliance and caseloads (figures only). Forbidden and missing alike are 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from mace.frontdoor.api import ErrorOut
from mace.frontdoor.selectors import Rate
from mace.people.selectors import PersonNotFound

from . import selectors

router = Router(tags=["casework"])


class WeekOut(Schema):
    week_starting: date
    planned: int
    attended: int
    missed: int
    unrecorded: int
    tuition_hours: float
    below_target: bool
    placement_moves: list[str]


class TimetableOut(Schema):
    person_id: int
    sessions_target: int
    tuition_hours_target: int
    weeks_below_target: int
    weeks: list[WeekOut]


class RateOut(Schema):
    label: str
    met: int
    total: int
    text: str


class SupervisionOut(Schema):
    every_working_days: int
    overall: RateOut
    by_team: list[RateOut]


class CaseloadOut(Schema):
    team: str
    children: int


@router.get(
    "/children/{person_id}/timetable", response={200: TimetableOut, 404: ErrorOut}, summary="Timetable"
)
def timetable(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    try:
        view = selectors.timetable_view(request.user, person_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    return Status(
        200,
        {
            "person_id": view.person.pk,
            "sessions_target": view.sessions_target,
            "tuition_hours_target": view.tuition_target,
            "weeks_below_target": view.below,
            "weeks": [
                {
                    "week_starting": w.week,
                    "planned": w.planned,
                    "attended": w.attended,
                    "missed": w.missed,
                    "unrecorded": w.unrecorded,
                    "tuition_hours": round(w.tuition_hours, 2),
                    "below_target": w.below_target(view.sessions_target, view.tuition_target),
                    "placement_moves": w.moves,
                }
                for w in view.weeks
            ],
        },
    )


def _rate(r: Rate) -> dict[str, object]:
    return {"label": r.label, "met": r.met, "total": r.total, "text": r.text}


@router.get("/supervision", response={200: SupervisionOut, 403: ErrorOut}, summary="Supervision compliance")
def supervision(request: HttpRequest) -> Status[dict[str, object]]:
    overview = selectors.supervision_overview(request.user)
    if overview is None:
        return Status(403, {"detail": "This account cannot see supervision figures"})
    return Status(
        200,
        {
            "every_working_days": overview.every,
            "overall": _rate(overview.overall),
            "by_team": [_rate(r) for r in overview.by_team],
        },
    )


@router.get("/caseloads", response={200: list[CaseloadOut], 403: ErrorOut}, summary="Live caseloads by team")
def caseloads(request: HttpRequest) -> Status[Any]:
    data = selectors.caseloads(request.user)
    if data is None:
        return Status(403, {"detail": "This account cannot see caseloads"})
    return Status(200, [{"team": team, "children": n} for team, n in data.by_team])
