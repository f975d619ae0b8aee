"""Casework for partner systems: record a visit (with the child's words), a week's timetable
attendance and case supervision; read a child's activity timetable week by week against the targets,
and supervision compliance and caseloads (figures only).

Everything goes through the same access rules and services as the pages: forbidden and missing alike
are 404, a role without the capability 403, and the service's validation 422 naming the field."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, problems
from mace.frontdoor.api import ErrorOut
from mace.frontdoor.selectors import Rate

from . import figures, selectors, services
from .models import Placement, Supervision, TimetableSession, Visit

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


class CaseworkRateOut(Schema):
    label: str
    met: int
    total: int
    text: str


class SupervisionOut(Schema):
    every_working_days: int
    overall: CaseworkRateOut
    by_team: list[CaseworkRateOut]


class CaseloadOut(Schema):
    team: str
    children: int


@router.get(
    "/children/{person_id}/timetable", response={200: TimetableOut, 404: ErrorOut}, summary="Timetable"
)
def timetable(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    view = selectors.timetable_view(request.user, person_id)
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


# Recording -----------------------------------------------------------------------------------------

MAX_TEXT = services.MAX_TEXT
NOT_FOUND: dict[str, object] = {"detail": "Not found"}


def _problem(loc: list[object], field: str, msg: str, **extra: object) -> dict[str, object]:
    return {"loc": loc, "field": field, "msg": msg, **extra}


class VisitIn(Schema):
    visited_on: date
    seen: bool = Field(..., description="Whether the child was seen")
    seen_alone: bool | None = Field(None, description="Required when the child was seen")
    place: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=200)
    child_words: str = Field(
        "", max_length=MAX_TEXT, description="What the child said, in their own words (only if seen)"
    )
    observations: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=MAX_TEXT)


class VisitOut(Schema):
    id: int
    person_id: int
    visited_on: date
    seen: bool
    seen_alone: bool
    place: str
    child_words: str
    observations: str
    by: str
    agency: str | None
    recorded_at: datetime


def _visit_out(v: Visit) -> dict[str, object]:
    return {
        "id": v.pk,
        "person_id": v.person_id,
        "visited_on": v.visited_on,
        "seen": v.seen,
        "seen_alone": v.seen_alone,
        "place": v.place,
        "child_words": v.child_words,
        "observations": v.observations,
        "by": v.by_label,
        "agency": v.agency.name if v.agency else None,
        "recorded_at": v.recorded_at,
    }


@router.post(
    "/children/{person_id}/visits",
    response={201: VisitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a visit to the child",
)
def record_visit(request: HttpRequest, person_id: int, payload: VisitIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).record_visits:
        return Status(403, {"detail": "This account cannot record visits"})
    person = selectors.person_for_casework(user, person_id, purpose="record-visit")
    data = services.VisitIn(
        visited_on=payload.visited_on,
        seen=payload.seen,
        seen_alone=payload.seen_alone,
        place=payload.place,
        child_words=payload.child_words,
        observations=payload.observations,
    )
    visit = services.visit_record(person=person, data=data, by=user)
    return Status(201, _visit_out(visit))


class MarkIn(Schema):
    session_id: int
    attended: bool
    reason: str = Field("", max_length=300, description="Why the child did not attend (required then)")


class WeekIn(Schema):
    marks: list[MarkIn] = Field(
        ...,
        min_length=1,
        max_length=100,
        description="One mark for each of the week's sessions that has happened; later ones are left out",
    )

    @field_validator("marks")
    @classmethod
    def each_session_once(cls, marks: list[MarkIn]) -> list[MarkIn]:
        ids = [m.session_id for m in marks]
        if len(set(ids)) != len(ids):
            raise ValueError("mark each session once")
        return marks


class WeekRecordedOut(Schema):
    person_id: int
    week_starting: date
    planned: int
    attended: int
    missed: int
    unrecorded: int
    tuition_hours: float
    sessions_target: int
    tuition_hours_target: int
    below_target: bool


def _week_errors(exc: ValidationError, marks: list[MarkIn]) -> dict[str, object]:
    """The service's problems keyed `session_<id>` (not marked, or not yet happened) and `reason_<id>`
    pointed at the mark for that session, or at `marks` when the session was left out."""
    index = {m.session_id: i for i, m in enumerate(marks)}
    problems = []
    for name, msgs in exc.message_dict.items():
        msg = " ".join(msgs)
        keyed = re.fullmatch(r"(session|reason)_(\d+)", name)
        if keyed:
            which, session_id = keyed[1], int(keyed[2])
            field = "attended" if which == "session" else "reason"
            if session_id in index:
                loc: list[object] = ["body", "marks", index[session_id], field]
                problems.append(_problem(loc, field, msg, session_id=session_id))
            else:
                problems.append(_problem(["body", "marks"], "marks", msg, session_id=session_id))
        elif name == "week_starting":
            problems.append(_problem(["path", "week_starting"], "week_starting", msg))
        else:
            problems.append(_problem(["body", "marks"], "marks", msg))
    return {"detail": problems}


@router.post(
    "/children/{person_id}/timetable/weeks/{week_starting}",
    response={200: WeekRecordedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record (or correct) a week's timetable attendance; the week starts on a Monday",
)
def record_week(request: HttpRequest, person_id: int, week_starting: date, payload: WeekIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).timetables:
        return Status(403, {"detail": "This account cannot record timetable attendance"})
    person = selectors.person_for_casework(user, person_id, purpose="record-attendance")
    marks = {m.session_id: services.Mark(m.attended, m.reason) for m in payload.marks}
    try:  # caught to point each problem at the request's mark for that session (decisions/0010)
        week: figures.WeekFigures = services.week_attendance_record(
            person=person, data=services.WeekIn(week_starting=week_starting, marks=marks), by=user
        )
    except ValidationError as exc:
        return Status(422, _week_errors(exc, payload.marks))
    sessions_target, tuition_target = selectors.targets()
    return Status(
        200,
        {
            "person_id": person.pk,
            "week_starting": week.week,
            "planned": week.planned,
            "attended": week.attended,
            "missed": week.missed,
            "unrecorded": week.unrecorded,
            "tuition_hours": round(week.tuition_hours, 2),
            "sessions_target": sessions_target,
            "tuition_hours_target": tuition_target,
            "below_target": week.below_target(sessions_target, tuition_target),
        },
    )


class SupervisionActionIn(Schema):
    text: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=500)
    owner: str = Field("", max_length=150, description="Every action needs an owner")
    due_on: date | None = None


class SupervisionIn(Schema):
    held_on: date
    attendees: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=500)
    reflection: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=MAX_TEXT)
    safer: str = Field(
        ...,
        pattern="^(" + "|".join(Supervision.Safer.values) + ")$",
        description="The manager's answer: is the child safer because of the plan?",
    )
    analysis: str = Field(
        ...,
        min_length=1,
        pattern=NON_BLANK,
        max_length=MAX_TEXT,
        description="Why: the manager's analysis (required)",
    )
    actions: list[SupervisionActionIn] = Field(default_factory=list, max_length=50)


class SupervisionActionOut(Schema):
    text: str
    owner: str
    due_on: date


class SupervisionRecordOut(Schema):
    id: int
    person_id: int
    worker: str
    manager: str
    held_on: date
    attendees: str
    reflection: str
    safer: str
    analysis: str
    next_due_on: date
    actions: list[SupervisionActionOut]
    recorded_at: datetime


@router.post(
    "/children/{person_id}/supervisions",
    response={201: SupervisionRecordOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record case supervision about the child",
)
def record_supervision(request: HttpRequest, person_id: int, payload: SupervisionIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).supervise:
        return Status(403, {"detail": "Only a manager records case supervision"})
    person = selectors.person_for_casework(user, person_id, purpose="record-supervision")
    data = services.SupervisionIn(
        held_on=payload.held_on,
        attendees=payload.attendees,
        reflection=payload.reflection,
        safer=payload.safer,
        analysis=payload.analysis,
        actions=[services.ActionIn(a.text, a.owner, a.due_on) for a in payload.actions],
    )
    try:  # caught to point an action's problem at the request's action (decisions/0010)
        s = services.supervision_record(person=person, data=data, by=user)
    except ValidationError as exc:
        return Status(422, problems(exc, {"action": "actions"}))
    return Status(
        201,
        {
            "id": s.pk,
            "person_id": s.person_id,
            "worker": str(s.worker),
            "manager": s.manager_label,
            "held_on": s.held_on,
            "attendees": s.attendees,
            "reflection": s.reflection,
            "safer": s.safer,
            "analysis": s.analysis,
            "next_due_on": s.next_due_on,
            "actions": [
                {"text": a.text, "owner": a.owner, "due_on": a.due_on} for a in s.actions.order_by("pk")
            ],
            "recorded_at": s.recorded_at,
        },
    )


class SessionIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 Monday … 6 Sunday")
    starts_at: time
    ends_at: time
    kind: str = Field(
        ...,
        pattern="^(" + "|".join(TimetableSession.Kind.values) + ")$",
        description="education, tuition, youth_work, sport or other",
    )
    provider: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=200)
    active_from: date = Field(..., description="The date of the first session")


class SessionOut(Schema):
    id: int
    person_id: int
    weekday: int
    starts_at: time
    ends_at: time
    kind: str
    provider: str
    active_from: date
    active_until: date | None


class SessionEndIn(Schema):
    last_day: date = Field(..., description="The date of the last session")


class PlacementIn(Schema):
    kind: str = Field(
        ...,
        pattern="^(" + "|".join(Placement.Kind.values) + ")$",
        description=", ".join(Placement.Kind.values),
    )
    description: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=200)
    started_on: date


class PlacementOut(Schema):
    id: int
    person_id: int
    kind: str
    description: str
    started_on: date


def _session_out(s: TimetableSession) -> dict[str, object]:
    return {
        "id": s.pk,
        "person_id": s.person_id,
        "weekday": s.weekday,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "kind": s.kind,
        "provider": s.provider,
        "active_from": s.active_from,
        "active_until": s.active_until,
    }


@router.post(
    "/children/{person_id}/timetable/sessions",
    response={201: SessionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a weekly session to a child's timetable",
)
def add_session(request: HttpRequest, person_id: int, payload: SessionIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).timetables:
        return Status(403, {"detail": "This account does not plan timetables"})
    person = selectors.person_for_casework(user, person_id, purpose="plan-timetable")
    session = services.session_add(person=person, data=services.SessionIn(**payload.dict()), by=user)
    return Status(201, _session_out(session))


@router.post(
    "/children/{person_id}/timetable/sessions/{session_id}/end",
    response={200: SessionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="End a weekly session",
)
def end_session(request: HttpRequest, person_id: int, session_id: int, payload: SessionEndIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).timetables:
        return Status(403, {"detail": "This account does not plan timetables"})
    session = selectors.session_for_casework(user, person_id, session_id, purpose="plan-timetable")
    session = services.session_end(session=session, last_day=payload.last_day, by=user)
    return Status(200, _session_out(session))


@router.post(
    "/children/{person_id}/placements",
    response={201: PlacementOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a placement move, shown against the child's timetable",
)
def record_placement(request: HttpRequest, person_id: int, payload: PlacementIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).timetables:
        return Status(403, {"detail": "This account does not record placement moves"})
    person = selectors.person_for_casework(user, person_id, purpose="record-placement")
    placement = services.placement_record(
        person=person,
        kind=payload.kind,
        description=payload.description,
        started_on=payload.started_on,
        by=user,
    )
    return Status(
        201,
        {
            "id": placement.pk,
            "person_id": person.pk,
            "kind": placement.kind,
            "description": placement.description,
            "started_on": placement.started_on,
        },
    )
