"""POST /api/v1/ed-attendances: an ED's own system sends a child's attendance. A child who cannot be
identified is still accepted and reaches the review queue; the same reference returns the first."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.core.access import capabilities
from mace.frontdoor.api import ErrorOut, SubjectIn
from mace.people.selectors import PersonNotFound

from . import selectors, services
from .models import Attendance


class AttendanceIn(Schema):
    source_system: str = Field(..., min_length=1, max_length=60)
    external_ref: str = Field(..., min_length=1, max_length=100)
    arrived_at: datetime
    subject: SubjectIn | None = None
    presenting_complaint: str = Field("", max_length=10_000)
    accompanied_by: str = Field("", max_length=200)
    seen_alone: bool | None = None
    not_seen_alone_reason: str = Field("", max_length=10_000)
    cpis_checked: bool = False
    cpis_result: str = Field("", description="none, cp_plan, looked_after or unborn")
    exploitation_question_asked: bool = False
    exploitation_concern: bool = False
    safeguarding_referral_made: bool = False
    child_voice: str = Field("", max_length=10_000)
    discharged_at: datetime | None = None
    left_before_assessment: bool = False
    discharge_destination: str = Field("", max_length=200)
    discharge_plan: str = Field("", max_length=10_000)

    @field_validator("arrived_at", "discharged_at")
    @classmethod
    def needs_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("Times must include a UTC offset, like 2026-03-02T09:15:00+00:00")
        return value


class AttendanceOut(Schema):
    id: int
    person_id: int | None
    identified: bool
    attendances_in_year: int
    frequent_attender: bool
    status: str


router = Router(tags=["ed-attendances"])


def _out(a: Attendance) -> dict[str, object]:
    return {
        "id": a.pk,
        "person_id": a.person_id,
        "identified": a.person_id is not None,
        "attendances_in_year": a.attendances_in_year,
        "frequent_attender": a.frequent_attender,
        "status": a.status,
    }


@router.post(
    "",
    response={200: AttendanceOut, 201: AttendanceOut, 403: ErrorOut, 422: ErrorOut},
    summary="Send a child's emergency department attendance",
)
def create_attendance(request: HttpRequest, payload: AttendanceIn) -> Status[dict[str, object]]:
    user = request.user
    if not capabilities(user).ed_attendances:
        return Status(403, {"detail": "This account cannot send ED attendances"})
    data = services.AttendanceIn(
        **payload.dict(exclude={"subject", "source_system", "external_ref"}),
        subject=payload.subject.dict(exclude_none=True) if payload.subject else {},
        source_system=payload.source_system,
        external_ref=payload.external_ref,
    )
    try:
        attendance, created = services.attendance_record(data=data, by=user, route="api")
    except ValidationError as exc:
        return Status(
            422,
            {
                "detail": [
                    {"loc": ["body", name], "field": name if name != "__all__" else "", "msg": " ".join(msgs)}
                    for name, msgs in exc.message_dict.items()
                ]
            },
        )
    return Status(201 if created else 200, _out(attendance))


@router.get("/{attendance_id}", response={200: AttendanceOut, 404: ErrorOut}, summary="One attendance")
def get_attendance(request: HttpRequest, attendance_id: int) -> Status[dict[str, object]]:
    try:
        attendance = selectors.attendance_for_user(request.user, attendance_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    return Status(200, _out(attendance))
