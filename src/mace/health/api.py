"""POST /api/v1/ed-attendances: an ED's own system sends a child's attendance. A child who cannot be
identified is still accepted and reaches the review queue; the same reference returns the first."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, VersionConflictOut, conflict_shows, with_offset
from mace.frontdoor.api import ErrorOut, SubjectIn
from mace.people.selectors import person_for_user

from . import selectors, services
from .models import AssessmentWait, Attendance


class AttendanceIn(Schema):
    source_system: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=60)
    external_ref: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=100)
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
        return with_offset(value)


class DischargeIn(Schema):
    discharged_at: datetime
    left_before_assessment: bool = False
    discharge_destination: str = Field("", max_length=200)
    discharge_plan: str = Field("", max_length=10_000)
    version: int = Field(..., description="The attendance version this was based on (any other is a 409)")

    @field_validator("discharged_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return with_offset(value)


class DischargeReviewIn(Schema):
    outcome: str = Field(
        ...,
        pattern="^(intervention|liaison)$",
        description="intervention (a contact to the front door) or liaison",
    )
    notes: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=10_000)
    shared_with: str = Field("", description="For liaison: school_nurse or health_visiting")


class DischargeReviewOut(Schema):
    attendance_id: int
    outcome: str
    shared_with: str
    shared_at: datetime | None
    contact_id: int | None
    reviewed_at: datetime


class QueueOut(Schema):
    waiting: int
    attendances: list[AttendanceOut]


class AttendanceOut(Schema):
    id: int
    version: int
    person_id: int | None
    identified: bool
    attendances_in_year: int
    frequent_attender: bool
    status: str


router = Router(tags=["ed-attendances"])


def _out(a: Attendance) -> dict[str, object]:
    return {
        "id": a.pk,
        "version": a.version,
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
    user = signed_in(request)
    if not capabilities(user).ed_attendances:
        return Status(403, {"detail": "This account cannot send ED attendances"})
    data = services.AttendanceIn(
        **payload.dict(exclude={"subject", "source_system", "external_ref"}),
        subject=payload.subject.dict(exclude_none=True) if payload.subject else {},
        source_system=payload.source_system,
        external_ref=payload.external_ref,
    )
    attendance, created = services.attendance_record(data=data, by=user, route="api")
    return Status(201 if created else 200, _out(attendance))


@router.get(
    "/review-queue", response={200: QueueOut, 403: ErrorOut}, summary="Discharged children awaiting triage"
)
def review_queue(request: HttpRequest) -> Status[object]:
    if not capabilities(request.user).discharge_review:
        return Status(403, {"detail": "Only the trust's safeguarding team triages discharges"})
    rows, waiting = selectors.review_queue(request.user)
    return Status(200, {"waiting": waiting, "attendances": [_out(a) for a in rows]})


@router.get("/{attendance_id}", response={200: AttendanceOut, 404: ErrorOut}, summary="One attendance")
def get_attendance(request: HttpRequest, attendance_id: int) -> Status[dict[str, object]]:
    attendance = selectors.attendance_for_user(request.user, attendance_id)
    return Status(200, _out(attendance))


@router.post(
    "/{attendance_id}/discharge",
    response={200: AttendanceOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="The child leaves the department",
)
def discharge(request: HttpRequest, attendance_id: int, payload: DischargeIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).ed_attendances:
        return Status(403, {"detail": "This account cannot record discharges"})
    attendance = selectors.attendance_for_user(user, attendance_id)
    attendance = services.attendance_discharge(
        attendance=attendance,
        discharged_at=payload.discharged_at,
        left_before_assessment=payload.left_before_assessment,
        destination=payload.discharge_destination,
        plan=payload.discharge_plan,
        by=user,
        version=payload.version,
    )
    return Status(200, _out(attendance))


@router.post(
    "/{attendance_id}/review",
    response={201: DischargeReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Triage a discharged child: further intervention or liaison",
)
def review(request: HttpRequest, attendance_id: int, payload: DischargeReviewIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).discharge_review:
        return Status(403, {"detail": "Only the trust's safeguarding team triages discharges"})
    attendance = selectors.attendance_for_user(user, attendance_id)
    r = services.discharge_review(
        attendance=attendance,
        outcome=payload.outcome,
        notes=payload.notes,
        shared_with=payload.shared_with,
        by=user,
    )
    return Status(
        201,
        {
            "attendance_id": attendance.pk,
            "outcome": r.outcome,
            "shared_with": r.shared_with,
            "shared_at": r.shared_at,
            "contact_id": r.contact_id,
            "reviewed_at": r.reviewed_at,
        },
    )


conflict_shows(Attendance, _out)


# Waits for an autism or ADHD assessment (action 3.4): /api/v1/assessment-waits ----------------------

waits_router = Router(tags=["assessment waits"])


class WaitIn(Schema):
    person_id: int = Field(..., ge=1)
    kind: str = Field(..., pattern="^(autism|adhd|both)$")
    referred_on: date
    fast_track: bool = False
    fast_track_reason: str = Field("", max_length=10_000)
    provider: str = Field("", max_length=200)


class WaitOutcomeIn(Schema):
    outcome: str = Field(..., pattern="^(diagnosed|not_diagnosed|withdrawn)$")
    assessed_on: date
    version: int = Field(..., ge=1, description="The referral version this was based on (any other is a 409)")


class WaitOut(Schema):
    id: int
    version: int
    person_id: int
    kind: str
    referred_on: date
    fast_track: bool
    fast_track_reason: str
    provider: str
    assessed_on: date | None
    outcome: str
    waiting: bool
    wait_weeks: int = Field(..., description="Whole weeks from the referral to the assessment, or to today")


def _wait_out(w: AssessmentWait) -> dict[str, object]:
    return {
        "id": w.pk,
        "version": w.version,
        "person_id": w.person_id,
        "kind": w.kind,
        "referred_on": w.referred_on,
        "fast_track": w.fast_track,
        "fast_track_reason": w.fast_track_reason,
        "provider": w.provider,
        "assessed_on": w.assessed_on,
        "outcome": w.outcome,
        "waiting": w.waiting,
        "wait_weeks": w.wait_weeks(timezone.localdate()),
    }


@waits_router.get("", response={200: list[WaitOut], 404: ErrorOut}, summary="A child's assessment referrals")
def list_waits(request: HttpRequest, person_id: int) -> Status[object]:
    person, _ = person_for_user(request.user, person_id, purpose="view")
    return Status(200, [_wait_out(w) for w in selectors.waits_of(person)])


@waits_router.post(
    "",
    response={201: WaitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a child's referral for an autism or ADHD assessment",
)
def create_wait(request: HttpRequest, payload: WaitIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).health_waits:
        return Status(403, {"detail": "This account cannot record assessment referrals"})
    person, _ = person_for_user(user, payload.person_id, purpose="record-assessment-referral")
    data = services.WaitIn(**payload.dict(exclude={"person_id"}))
    return Status(201, _wait_out(services.assessment_wait_record(person=person, data=data, by=user)))


@waits_router.post(
    "/{wait_id}/outcome",
    response={200: WaitOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="Record the assessment (or the referral closed): the wait stops",
)
def wait_outcome(request: HttpRequest, wait_id: int, payload: WaitOutcomeIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).health_waits:
        return Status(403, {"detail": "This account cannot record assessments"})
    wait = selectors.wait_by_id(user, wait_id, purpose="record-assessment")
    wait = services.assessment_wait_outcome(
        wait=wait, assessed_on=payload.assessed_on, outcome=payload.outcome, by=user, version=payload.version
    )
    return Status(200, _wait_out(wait))


conflict_shows(AssessmentWait, _wait_out)
