"""Emergency department work: recording a child's attendance and discharge, linking the screening,
the safeguarding team's review of every discharged child (ED audits are `mace.improvement.audits`).
Each function validates, writes the chronology and the access log, and does its work in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, User
from mace.accounts.selectors import partnership_of
from mace.core import audit, clocks
from mace.core import services as core_services
from mace.core.access import capabilities
from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict
from mace.core.models import AccessLogEntry
from mace.core.ui import uk_datetime
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor import services as frontdoor_services
from mace.frontdoor.models import Contact
from mace.people import linkage
from mace.people import services as people_services
from mace.people.identifiers import nhs_number_is_valid
from mace.people.models import ChronologyEvent, Flag, Involvement, Person

from .models import AssessmentWait, Attendance, DischargeReview

MAX_TEXT = 10_000
CONTACT_SOURCE = "mace-ed"


def frequent_count() -> int:
    return int(getattr(settings, "MACE_FREQUENT_ATTENDER_COUNT", 3))


@dataclass
class AttendanceIn:
    arrived_at: datetime | None
    presenting_complaint: str
    subject: dict[str, Any] = field(default_factory=dict)
    person: Person | None = None
    accompanied_by: str = ""
    seen_alone: bool | None = None
    not_seen_alone_reason: str = ""
    cpis_checked: bool = False
    cpis_result: str = ""
    exploitation_question_asked: bool = False
    exploitation_concern: bool = False
    safeguarding_referral_made: bool = False
    child_voice: str = ""
    discharged_at: datetime | None = None
    left_before_assessment: bool = False
    discharge_destination: str = ""
    discharge_plan: str = ""
    source_system: str = ""
    external_ref: str = ""


def _check_time(name: str, value: datetime | None, now: datetime, errors: dict[str, str]) -> None:
    if value is None:
        return
    if value.tzinfo is None:
        errors[name] = "The time must include a UTC offset, like 2026-03-02T09:15:00+00:00"
    elif value > now + timedelta(minutes=5):
        errors[name] = "The time cannot be in the future"


def validate_attendance(data: AttendanceIn, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if data.arrived_at is None:
        errors["arrived_at"] = "Give the date and time the child arrived"
    _check_time("arrived_at", data.arrived_at, now, errors)
    _check_time("discharged_at", data.discharged_at, now, errors)
    if (
        "arrived_at" not in errors
        and "discharged_at" not in errors
        and data.arrived_at
        and data.discharged_at
        and data.discharged_at < data.arrived_at
    ):
        errors["discharged_at"] = "The child cannot leave before they arrived"
    if not data.presenting_complaint.strip():
        errors["presenting_complaint"] = "Give the presenting complaint"
    for name in ("presenting_complaint", "not_seen_alone_reason", "child_voice", "discharge_plan"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = f"This must be {MAX_TEXT:,} characters or fewer"
    if data.seen_alone is False and not data.not_seen_alone_reason.strip():
        errors["not_seen_alone_reason"] = "Say why the child was not seen alone"
    if data.cpis_checked and data.cpis_result not in Attendance.CpisResult.values:
        errors["cpis_result"] = "Say what CP-IS showed"
    if data.exploitation_concern and not data.exploitation_question_asked:
        errors["exploitation_question_asked"] = (
            "An exploitation concern means the question was asked: tick it"
        )
    if data.left_before_assessment and data.discharged_at is None:
        errors["discharged_at"] = "Give the time the child left the department"
    nhs = (data.subject or {}).get("nhs_number")
    if nhs and not nhs_number_is_valid(str(nhs)):
        errors["nhs_number"] = "The NHS number is not valid: 10 digits that pass the check digit"
    if bool(data.source_system) != bool(data.external_ref):
        errors["external_ref"] = "Give both the source system and its reference, or neither"
    return errors


def _earlier_attendances(
    *, trust: Agency, person: Person | None, subject: dict[str, Any], arrived_at: datetime
) -> int:
    """Attendances of the same child in the 12 months before this one, at any ED."""
    since = arrived_at - timedelta(days=365)
    qs = Attendance.objects.filter(arrived_at__gte=since, arrived_at__lt=arrived_at)
    if person is not None:
        return qs.filter(person=person).count()
    condition = Q(pk__in=[])
    if subject.get("nhs_number"):
        condition |= Q(subject__nhs_number=subject["nhs_number"])
    if subject.get("family_name") and subject.get("date_of_birth"):
        condition |= Q(
            subject__family_name=subject["family_name"],
            subject__given_names=subject.get("given_names", ""),
            subject__date_of_birth=subject["date_of_birth"],
        )
    return qs.filter(condition).count()


def _ensure_involvement(person: Person, by: User) -> None:
    people_services.involvement_ensure(
        person=person,
        team=by.team,
        worker=by,
        kind=Involvement.Kind.INVOLVED,
        role_description="Emergency department attendance",
        by=by,
    )


CPIS_FLAGS = {
    Attendance.CpisResult.CP_PLAN: Flag.Kind.CPIS_CP,
    Attendance.CpisResult.LOOKED_AFTER: Flag.Kind.CPIS_LAC,
}


def _cpis_flag(person: Person, attendance: Attendance, actor: audit.Actor) -> Flag | None:
    """What CP-IS showed becomes a flag on the child's record, so every agency sees it, unless the
    same flag is already live. Set on the system's authority from the ED's check, not the clinician's."""
    kind = CPIS_FLAGS.get(attendance.cpis_result)  # type: ignore[call-overload]
    if kind is None:
        return None
    return people_services.flag_set_from_check(
        person=person,
        kind=kind,
        reason=(
            f"CP-IS checked by {attendance.trust.name} on "
            f"{timezone.localtime(attendance.arrived_at):%-d %B %Y}: "
            f"{attendance.get_cpis_result_display().lower()}"
        ),
        check="CP-IS check in the emergency department",
        agency=attendance.trust,
        recorded_by=attendance.recorded_by,
        by=actor,
        detail={"cpis": kind},
    )


def attendance_record(*, data: AttendanceIn, by: User, route: str = "web") -> tuple[Attendance, bool]:
    """Record a child's ED attendance. The child is matched to their record where the details are
    near-certain; otherwise the attendance keeps the details as given and still reaches the review
    queue. Returns (attendance, created); the same source reference returns the first one."""
    if not capabilities(by).ed_attendances:
        raise PermissionError("This role cannot record ED attendances.")
    if by.agency is None or by.agency.kind != Agency.Kind.HEALTH or not by.team_id:
        raise ValidationError({"__all__": "Only an emergency department's staff can record attendances"})
    actor = audit.Actor.of(by)
    errors = validate_attendance(data)
    if errors:
        raise ValidationError(errors)
    if data.external_ref:
        existing = Attendance.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is not None:
            return existing, False
    partnership = partnership_of(by)
    if partnership is None:
        raise ValidationError({"__all__": "Your account is not part of a partnership"})
    assert data.arrived_at is not None
    arrived = data.arrived_at.astimezone(UTC)
    subject = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (data.subject or {}).items() if v}
    person = data.person
    if person is None and subject:
        person = linkage.match_subject(subject, partnership.pk).person
    earlier = _earlier_attendances(trust=by.agency, person=person, subject=subject, arrived_at=arrived)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                partnership=partnership,
                trust=by.agency,
                department_id=by.team_id,
                person=person,
                subject=subject,
                source_system=data.source_system,
                external_ref=data.external_ref,
                arrived_at=arrived,
                presenting_complaint=data.presenting_complaint.strip(),
                accompanied_by=data.accompanied_by.strip(),
                seen_alone=data.seen_alone,
                not_seen_alone_reason=data.not_seen_alone_reason.strip(),
                cpis_checked=data.cpis_checked,
                cpis_result=data.cpis_result if data.cpis_checked else "",
                exploitation_question_asked=data.exploitation_question_asked,
                exploitation_concern=data.exploitation_concern,
                safeguarding_referral_made=data.safeguarding_referral_made,
                child_voice=data.child_voice.strip(),
                attendances_in_year=earlier + 1,
                frequent_attender=earlier + 1 >= frequent_count(),
                discharged_at=data.discharged_at.astimezone(UTC) if data.discharged_at else None,
                left_before_assessment=data.left_before_assessment,
                discharge_destination=data.discharge_destination.strip(),
                discharge_plan=data.discharge_plan.strip(),
                status=Attendance.Status.DISCHARGED
                if data.discharged_at
                else Attendance.Status.IN_DEPARTMENT,
                recorded_by=by,
                recorded_by_label=actor.label,
                recorded_at=timezone.now(),
            )
            if person is not None:
                _ensure_involvement(person, by)
                _cpis_flag(person, attendance, actor)
                people_services.chronology_add(
                    person=person,
                    kind=ChronologyEvent.Kind.HEALTH,
                    occurred_at=arrived,
                    title=f"Attended {by.team.name if by.team else by.agency}"[:200],
                    body=attendance.presenting_complaint
                    + (f"\nThe child said: {attendance.child_voice}" if attendance.child_voice else ""),
                    actor=actor,
                    agency=by.agency,
                )
            audit.record(
                actor,
                audit.Event(
                    AccessLogEntry.Action.CREATE,
                    "ed_attendance",
                    str(attendance.pk),
                    attendance.person_id,
                    detail={
                        "route": route,
                        "identified": person is not None,
                        "frequent": attendance.frequent_attender,
                    },
                ),
            )
    except IntegrityError:
        existing = Attendance.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is None or not data.external_ref:
            raise
        return existing, False
    return attendance, True


def _require_trust(attendance: Attendance, by: User, capability: str) -> audit.Actor:
    if not getattr(capabilities(by), capability) or by.agency_id != attendance.trust_id:
        raise PermissionError("Only the trust's own staff can do this.")
    return audit.Actor.of(by)


def attendance_discharge(
    *,
    attendance: Attendance,
    discharged_at: datetime | None,
    left_before_assessment: bool,
    destination: str,
    plan: str,
    by: User,
    version: int | None = None,
) -> Attendance:
    """The child leaves the department: they join the safeguarding team's review queue."""
    actor = _require_trust(attendance, by, "ed_attendances")
    errors: dict[str, str] = {}
    now = timezone.now()
    if discharged_at is None:
        errors["discharged_at"] = "Give the date and time the child left the department"
    else:
        _check_time("discharged_at", discharged_at, now, errors)
        if "discharged_at" not in errors and discharged_at < attendance.arrived_at:
            errors["discharged_at"] = "The child cannot leave before they arrived"
    if not left_before_assessment and not plan.strip():
        errors["discharge_plan"] = "Give the discharge plan, or say the child left before assessment"
    if errors:
        raise ValidationError(errors)
    assert discharged_at is not None
    with transaction.atomic():
        current = Attendance.objects.select_for_update().get(pk=attendance.pk)
        require_version(current, version, {"discharged_at": discharged_at, "discharge_plan": plan})
        if current.status != Attendance.Status.IN_DEPARTMENT:
            raise ValidationError({"__all__": "The child has already been discharged"})
        current.discharged_at = discharged_at.astimezone(UTC)
        current.left_before_assessment = left_before_assessment
        current.discharge_destination = destination.strip()
        current.discharge_plan = plan.strip()
        current.status = Attendance.Status.DISCHARGED
        save_next_version(current)
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "ed_attendance",
                str(current.pk),
                current.person_id,
                detail={"discharged": True, "left_before_assessment": left_before_assessment},
            ),
        )
    return current


def attendance_link_screening(*, attendance: Attendance, screening: Any, by: User) -> Attendance:
    """The screening completed in the department belongs to the attendance; if it identified the
    child, so does the child."""
    actor = _require_trust(attendance, by, "ed_attendances")
    with transaction.atomic():
        attendance.screening = screening
        attendance.exploitation_question_asked = True
        attendance.exploitation_concern = True
        fields = ["screening", "exploitation_question_asked", "exploitation_concern"]
        if attendance.person_id is None and screening.person_id is not None:
            attendance.person_id = screening.person_id
            fields.append("person")
        save_next_version(attendance, fields)
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "ed_attendance",
                str(attendance.pk),
                attendance.person_id,
                detail={"screening": screening.pk},
            ),
        )
    return attendance


def _referral_summary(a: Attendance, notes: str) -> str:
    seen = {True: "yes", False: f"no ({a.not_seen_alone_reason})", None: "not recorded"}[a.seen_alone]
    lines = [
        f"{a.department.name}, {a.trust.name}: the safeguarding team asks for further safeguarding "
        "intervention after reviewing this child's attendance.",
        f"Arrived {uk_datetime(a.arrived_at, '%-d %B %Y at %H:%M')}. "
        f"Presenting complaint: {a.presenting_complaint}",
        f"Seen alone: {seen}. Accompanied by: {a.accompanied_by or 'not recorded'}.",
        "CP-IS: " + (f"checked, {a.get_cpis_result_display().lower()}" if a.cpis_checked else "not checked"),
        "Exploitation question asked: "
        + ("yes" if a.exploitation_question_asked else "no")
        + ("; concern indicated" if a.exploitation_concern else ""),
    ]
    if a.screening_id:
        lines.append(f"Exploitation screening completed (screening {a.screening_id}).")
    if a.frequent_attender:
        lines.append(f"Frequent attender: {a.attendances_in_year} attendances in 12 months.")
    if a.left_before_assessment:
        lines.append("The child left before assessment.")
    elif a.discharge_plan:
        lines.append(f"Discharge plan: {a.discharge_plan}")
    lines.append(f"Safeguarding team's review: {notes}")
    return "\n".join(lines)


def discharge_review(
    *, attendance: Attendance, outcome: str, notes: str, by: User, shared_with: str = ""
) -> DischargeReview:
    """Triage a discharged child (2.3b): further safeguarding intervention (a contact to the front door
    with the information gathered) or liaison with no further action (information shared with school
    nursing or the health visiting hub, recorded as sent). There is no third way out of the queue."""
    actor = _require_trust(attendance, by, "discharge_review")
    errors: dict[str, str] = {}
    if outcome not in DischargeReview.Outcome.values:
        errors["outcome"] = (
            "Choose an outcome: further safeguarding intervention, or liaison with no further action"
        )
    if not notes.strip():
        errors["notes"] = "Record what you reviewed and why you reached this outcome"
    elif len(notes) > MAX_TEXT:
        errors["notes"] = f"The notes must be {MAX_TEXT:,} characters or fewer"
    if outcome == DischargeReview.Outcome.LIAISON and shared_with not in DischargeReview.SharedWith.values:
        errors["shared_with"] = "Say who the information was shared with: school nursing or health visiting"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = (
            Attendance.objects.select_for_update().select_related("trust", "department").get(pk=attendance.pk)
        )
        if current.status == Attendance.Status.IN_DEPARTMENT:
            raise ValidationError({"__all__": "The child has not been discharged yet"})
        if (
            current.status == Attendance.Status.REVIEWED
            or DischargeReview.objects.filter(attendance=current).exists()
        ):
            raise ValidationError({"__all__": "This attendance has already been reviewed"})
        contact = None
        if outcome == DischargeReview.Outcome.INTERVENTION:
            contact, _ = frontdoor_services.contact_receive(
                data=frontdoor_services.ContactIn(
                    kind=Contact.Kind.ED_REFERRAL,
                    received_at=now,
                    summary=_referral_summary(current, notes.strip()),
                    subject=current.subject or {},
                    source_system=CONTACT_SOURCE,
                    external_ref=f"attendance-{current.pk}",
                    source_agency=current.trust,
                    child_voice=current.child_voice,
                    reporter={"name": by.get_full_name(), "job_title": getattr(by, "job_title", "")},
                    person=current.person,
                ),
                partnership=current.partnership,
                route=Contact.Route.WEB,
                by=by,
            )
            if current.person_id is None and contact.person_id is not None:
                current.person_id = contact.person_id
        review = DischargeReview.objects.create(
            attendance=current,
            outcome=outcome,
            notes=notes.strip(),
            shared_with=shared_with if outcome == DischargeReview.Outcome.LIAISON else "",
            shared_at=now if outcome == DischargeReview.Outcome.LIAISON else None,
            contact=contact,
            reviewed_by=by,
            reviewed_by_label=actor.label,
            reviewed_at=now,
        )
        current.status = Attendance.Status.REVIEWED
        save_next_version(current, ["status", "person"])
        if current.person_id:
            people_services.chronology_add(
                person=current.person,  # type: ignore[arg-type]
                kind=ChronologyEvent.Kind.HEALTH,
                title=f"ED discharge reviewed: {review.get_outcome_display().lower()}",
                body=review.notes
                + (
                    f"\nInformation shared with {review.get_shared_with_display()}"
                    if review.shared_with
                    else ""
                ),
                actor=actor,
                agency=current.trust,
            )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "ed_attendance",
                str(current.pk),
                current.person_id,
                detail={"review": outcome, "contact": contact.pk if contact else None},
            ),
        )
    return review


# Waits for an autism or ADHD assessment (action 3.4) ------------------------------------------------


@dataclass
class WaitIn:
    kind: str
    referred_on: date | None
    fast_track: bool = False
    fast_track_reason: str = ""
    provider: str = ""


def _today() -> date:
    return timezone.localdate()


def validate_wait(data: WaitIn, *, today: date | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field."""
    today = today or _today()
    errors: dict[str, str] = {}
    if data.kind not in AssessmentWait.Kind.values:
        errors["kind"] = "Choose the assessment the child was referred for: autism, ADHD, or both"
    if data.referred_on is None:
        errors["referred_on"] = "Enter the date of the referral"
    elif data.referred_on > today:
        errors["referred_on"] = f"The referral cannot be in the future (today is {today:%-d %B %Y})"
    if data.fast_track and not data.fast_track_reason.strip():
        errors["fast_track_reason"] = "Say why the referral was fast-tracked, like the risk of exploitation"
    if len(data.fast_track_reason) > MAX_TEXT:
        errors["fast_track_reason"] = f"This must be {MAX_TEXT:,} characters or fewer"
    if len(data.provider) > 200:
        errors["provider"] = "The service must be 200 characters or fewer"
    return errors


def _wait_log(by: By, action: str, wait: AssessmentWait) -> None:
    audit.record(
        core_services.actor(by),
        audit.Event(action, "assessment_wait", str(wait.pk), wait.person_id),
    )


def assessment_wait_record(*, person: Person, data: WaitIn, by: User) -> AssessmentWait:
    """A child's referral for an autism or ADHD assessment, on the child's record and in the
    chronology. The wait is counted from the referral date."""
    core_services.require(by, "health_waits", "This role does not record assessment referrals.")
    errors = validate_wait(data)
    if errors:
        raise ValidationError(errors)
    assert data.referred_on is not None
    with transaction.atomic():
        wait = AssessmentWait.objects.create(
            partnership_id=person.partnership_id,
            person=person,
            kind=data.kind,
            referred_on=data.referred_on,
            fast_track=data.fast_track,
            fast_track_reason=data.fast_track_reason.strip() if data.fast_track else "",
            provider=data.provider.strip(),
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
            recorded_by_label=core_services.label(by),
            recorded_at=timezone.now(),
        )
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.HEALTH,
            occurred_at=datetime.combine(data.referred_on, time(12), tzinfo=clocks.LONDON),
            title=f"Referred for an assessment: {wait.get_kind_display()}"
            + (" (fast-tracked)" if wait.fast_track else ""),
            actor=core_services.actor(by),
            agency=getattr(by, "agency", None),
        )
        _wait_log(by, AccessLogEntry.Action.CREATE, wait)
    return wait


def assessment_wait_outcome(
    *, wait: AssessmentWait, assessed_on: date | None, outcome: str, by: By, version: int | None
) -> AssessmentWait:
    """The assessment happened (or the referral closed without one): the wait stops on that day."""
    core_services.require(by, "health_waits", "This role does not record assessments.")
    errors: dict[str, str] = {}
    if outcome not in AssessmentWait.Outcome.values:
        errors["outcome"] = (
            "Choose the outcome: diagnosis made, no diagnosis, or closed without an assessment"
        )
    if assessed_on is None:
        errors["assessed_on"] = "Enter the date of the assessment"
    elif assessed_on > _today():
        errors["assessed_on"] = "The assessment cannot be in the future"
    elif assessed_on < wait.referred_on:
        errors["assessed_on"] = f"The assessment cannot be before the referral ({wait.referred_on:%-d %B %Y})"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = AssessmentWait.objects.select_for_update().get(pk=wait.pk)
        require_version(locked, version, {"assessed_on": assessed_on, "outcome": outcome})
        if locked.outcome:
            raise ValidationError({"outcome": "This referral's outcome is already recorded"})
        locked.assessed_on = assessed_on
        locked.outcome = outcome
        save_next_version(locked, ["assessed_on", "outcome"])
        people_services.chronology_add(
            person=locked.person,
            kind=ChronologyEvent.Kind.HEALTH,
            occurred_at=datetime.combine(assessed_on, time(12), tzinfo=clocks.LONDON),  # type: ignore[arg-type]
            title=f"{locked.get_kind_display()} assessment: {locked.get_outcome_display()}, after "
            f"{locked.wait_weeks(_today())} weeks",
            actor=core_services.actor(by),
            agency=getattr(by, "agency", None),
        )
        _wait_log(by, AccessLogEntry.Action.UPDATE, locked)
    return locked
