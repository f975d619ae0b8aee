"""Training for partner systems (a trust's learning system, the partnership's dashboards): compliance by
agency and team, computed as the pages compute it, and the three-month follow-up, with the same rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

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
        by=request.user,
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
