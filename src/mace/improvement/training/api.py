"""Training for partner systems (a trust's learning system, the partnership's dashboards): compliance by
agency and team, computed as the pages compute it, and the three-month follow-up, with the same rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.api import NON_BLANK, ErrorOut

from . import selectors, services

router = Router(tags=["training"])


class TrainingTeamComplianceOut(Schema):
    team_id: int
    team: str
    level: int = Field(..., description="The level the team must be trained to: 1, 2 or 3")
    counted: int
    trained: int
    percent: float | None
    not_trained: int


class TrainingAgencyComplianceOut(Schema):
    agency: str
    counted: int
    trained: int
    percent: float | None
    teams: list[TrainingTeamComplianceOut]


class TrainingComplianceOut(Schema):
    on: date
    counted: int
    trained: int
    percent: float | None
    agencies: list[TrainingAgencyComplianceOut]


@router.get(
    "/compliance",
    response={200: TrainingComplianceOut},
    summary="Staff trained to their team's required level, by agency and team, on a date (default today)",
)
def get_compliance(request: HttpRequest, on: date | None = None) -> Status[Any]:
    found = selectors.compliance(request.user, on or timezone.localdate())
    return Status(
        200,
        {
            "on": found.on,
            "counted": found.counted,
            "trained": found.trained,
            "percent": found.percent,
            "agencies": [
                {
                    "agency": a.agency.name,
                    "counted": a.counted,
                    "trained": a.trained,
                    "percent": a.percent,
                    "teams": [
                        {
                            "team_id": t.team.pk,
                            "team": t.team.name,
                            "level": t.level,
                            "counted": t.counted,
                            "trained": t.trained,
                            "percent": t.percent,
                            "not_trained": len(t.untrained),
                        }
                        for t in a.teams
                    ],
                }
                for a in found.agencies
            ],
        },
    )


class TrainingFollowUpIn(Schema):
    on: date = Field(..., description="The date of the follow-up: not before the session, not in the future")
    attendee_says: str = Field(..., min_length=1, max_length=5000, pattern=NON_BLANK)
    manager_name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    manager_says: str = Field(..., min_length=1, max_length=5000, pattern=NON_BLANK)
    changed: str = Field(..., pattern=r"^(yes|partly|no)$", description="Has practice changed?")


class TrainingFollowUpOut(Schema):
    booking: int
    on: date
    changed: str
    recorded_by: str


@router.post(
    "/bookings/{booking_id}/follow-up",
    response={201: TrainingFollowUpOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record the three-month follow-up with an attendee and their manager",
)
def post_follow_up(request: HttpRequest, booking_id: int, payload: TrainingFollowUpIn) -> Status[Any]:
    try:
        booking = selectors.booking_for(request.user, booking_id)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    saved = services.follow_up_record(
        booking=booking,
        on=payload.on,
        attendee_says=payload.attendee_says,
        manager_name=payload.manager_name,
        manager_says=payload.manager_says,
        changed=payload.changed,
        by=signed_in(request),
    )
    return Status(
        201,
        {
            "booking": booking.pk,
            "on": saved.on,
            "changed": saved.changed,
            "recorded_by": saved.recorded_by_label,
        },
    )


class TrainingCourseIn(Schema):
    title: str = Field(..., min_length=1, max_length=300, pattern=NON_BLANK)
    level: int = Field(
        ..., ge=1, le=3, description="Exploitation level: 1 awareness, 2 targeted, 3 specialist"
    )
    multi_agency: bool
    agency_id: int | None = Field(None, description="The agency that runs a single-agency course")
    description: str = Field("", max_length=5000)
    partnership_id: int | None = Field(None, description="Needed only by a reader of several partnerships")


class TrainingCourseOut(Schema):
    id: int
    code: str
    title: str
    level: int
    multi_agency: bool
    agency: str | None


def _one_partnership(request: HttpRequest, wanted: int | None) -> Any:
    found = selectors.partnerships_for(request.user)
    if wanted is not None:
        return next((p for p in found if p.pk == wanted), None)
    return found[0] if len(found) == 1 else None


@router.post(
    "/courses",
    response={201: TrainingCourseOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a course (single or multi-agency, at an exploitation level)",
)
def post_course(request: HttpRequest, payload: TrainingCourseIn) -> Status[Any]:
    partnership = _one_partnership(request, payload.partnership_id)
    if partnership is None:
        return Status(404, {"detail": "Not found"})
    agency = None
    if payload.agency_id is not None:
        agency = next((a for a in selectors.agencies_for(request.user) if a.pk == payload.agency_id), None)
        if agency is None:
            raise ValidationError({"agency": ["Choose an agency that serves the partnership"]})
    saved = services.course_create(
        partnership=partnership,
        code=services.course_code(partnership, payload.title),
        title=payload.title,
        level=payload.level,
        multi_agency=payload.multi_agency,
        agency=agency,
        description=payload.description,
        by=signed_in(request),
    )
    return Status(
        201,
        {
            "id": saved.pk,
            "code": saved.code,
            "title": saved.title,
            "level": saved.level,
            "multi_agency": saved.multi_agency,
            "agency": saved.agency.name if saved.agency else None,
        },
    )


class TrainingPractitionerIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    job_title: str = Field("", max_length=150)
    manager_name: str = Field("", max_length=200)
    joined_on: date | None = Field(None, description="Joined the team (blank: before MACE kept the register)")


class TrainingPractitionerOut(Schema):
    id: int
    team_id: int
    name: str
    job_title: str
    manager_name: str
    joined_on: date | None


@router.post(
    "/teams/{team_id}/practitioners",
    response={201: TrainingPractitionerOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a practitioner to a team's training register",
)
def post_practitioner(request: HttpRequest, team_id: int, payload: TrainingPractitionerIn) -> Status[Any]:
    try:
        team = selectors.register_team_for(request.user, team_id)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    assert team.partnership is not None  # teams_for keeps the reader's partnerships' teams only
    saved = services.practitioner_add(
        partnership=team.partnership,
        team=team,
        name=payload.name,
        job_title=payload.job_title,
        manager_name=payload.manager_name,
        joined_on=payload.joined_on,
        by=signed_in(request),
    )
    return Status(
        201,
        {
            "id": saved.pk,
            "team_id": team.pk,
            "name": saved.name,
            "job_title": saved.job_title,
            "manager_name": saved.manager_name,
            "joined_on": saved.joined_on,
        },
    )


class TrainingRequirementIn(Schema):
    level: int = Field(..., ge=1, le=3, description="1 awareness, 2 targeted, 3 specialist")
    reason: str = Field("", max_length=300)


class TrainingRequirementOut(Schema):
    team_id: int
    level: int
    reason: str


@router.put(
    "/teams/{team_id}/requirement",
    response={200: TrainingRequirementOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Set the level a team that works with exploited children must be trained to",
)
def put_requirement(request: HttpRequest, team_id: int, payload: TrainingRequirementIn) -> Status[Any]:
    try:
        team = selectors.register_team_for(request.user, team_id)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    saved = services.requirement_set(
        team=team, level=payload.level, reason=payload.reason, by=signed_in(request)
    )
    return Status(200, {"team_id": team.pk, "level": saved.level, "reason": saved.reason})
