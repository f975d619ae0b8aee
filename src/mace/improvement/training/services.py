"""Training's writes: courses, the register, required levels, sessions, bookings, attendance, the
evaluation on the day and the three-month follow-up. Each validates, writes and records in the access log
in one transaction. Trainers hold `manage_training` (the partnership business manager, who runs the
partnership's training offer; the health safeguarding leads, who run the trusts' level 3 training; and
administrators); the demo generator and imports act as named system actors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, Team
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.core.services import actor, label, require
from mace.core.ui import uk_date
from mace.core.versioning import require_version, save_next_version

from .models import (
    Level,
    Practitioner,
    TrainingBooking,
    TrainingCourse,
    TrainingEvaluation,
    TrainingFollowUp,
    TrainingRequirement,
    TrainingSession,
)

A = AccessLogEntry.Action
REFUSED = "Only a trainer (the business manager, a health safeguarding lead or an administrator) can do this."
SCALE = range(1, 6)  # confidence, 1 (not at all) to 5 (very)


def _require(by: By) -> None:
    require(by, "manage_training", REFUSED)


def course_create(
    *,
    partnership: Partnership,
    code: str,
    title: str,
    level: int,
    multi_agency: bool,
    agency: Agency | None = None,
    description: str = "",
    by: By,
) -> TrainingCourse:
    _require(by)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter the course's title"]
    elif len(title.strip()) > 300:
        errors["title"] = ["The title is 300 characters or fewer"]
    if level not in Level.values:
        errors["level"] = ["Choose level 1, 2 or 3"]
    if not multi_agency and agency is None:
        errors["agency"] = ["A single-agency course names the agency that runs it"]
    elif (
        not multi_agency and agency is not None and not agency.partnerships.filter(pk=partnership.pk).exists()
    ):
        errors["agency"] = ["The agency does not serve the partnership"]
    if not code:
        errors["code"] = ["The course needs a code"]
    if TrainingCourse.objects.filter(partnership=partnership, code=code).exists():
        errors["code"] = [f"The partnership already has a course {code!r}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course = TrainingCourse.objects.create(
            partnership=partnership,
            code=code,
            title=title.strip(),
            level=level,
            multi_agency=multi_agency,
            agency=None if multi_agency else agency,
            description=description.strip(),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE, "training_course", str(course.pk), detail={"title": course.title, "level": level}
            ),
        )
    return course


def course_code(partnership: Partnership, title: str) -> str:
    """A code for a new course from its title, unique in the partnership ("level-3-safeguarding", then
    "level-3-safeguarding-2")."""
    base = slugify(title)[:50].strip("-") or "course"
    code, n = base, 1
    while TrainingCourse.objects.filter(partnership=partnership, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def requirement_set(*, team: Team, level: int | None, reason: str = "", by: By) -> TrainingRequirement:
    """The level a team that works with exploited children must be trained to."""
    _require(by)
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = ["Choose level 1, 2 or 3"]
    if len(reason.strip()) > 300:
        errors["reason"] = ["The reason is 300 characters or fewer"]
    if team.partnership_id is None:
        errors["__all__"] = ["The team belongs to no partnership: its training is not counted"]
    if errors:
        raise ValidationError(errors)
    assert level is not None
    with transaction.atomic():
        found, created = TrainingRequirement.objects.update_or_create(
            team=team, defaults={"level": level, "reason": reason.strip()}
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE if created else A.UPDATE,
                "training_requirement",
                str(found.pk),
                detail={"team": team.code, "level": level},
            ),
        )
    return found


def practitioner_add(
    *,
    partnership: Partnership,
    team: Team,
    name: str,
    job_title: str = "",
    manager_name: str = "",
    user: Any = None,
    joined_on: date | None = None,
    by: By,
) -> Practitioner:
    _require(by)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the practitioner's name"]
    for field, value, most in (
        ("name", name, 200),
        ("job_title", job_title, 150),
        ("manager_name", manager_name, 200),
    ):
        if len(value.strip()) > most and field not in errors:
            errors[field] = [f"Enter {most} characters or fewer"]
    if team.partnership_id not in (None, partnership.pk):
        errors["team"] = ["The team is in another partnership"]
    if user is not None and Practitioner.objects.filter(user=user).exists():
        errors["user"] = [f"{label(user)} is already on the training register"]
    if joined_on is not None and joined_on > timezone.localdate():
        errors["joined_on"] = ["Add a practitioner from the day they join the team, not before"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = Practitioner.objects.create(
            partnership=partnership,
            team=team,
            name=name.strip(),
            job_title=job_title.strip(),
            manager_name=manager_name.strip(),
            user=user,
            joined_on=joined_on,
        )
        audit.record(actor(by), audit.Event(A.CREATE, "training_practitioner", str(found.pk)))
    return found


def practitioner_leave(*, practitioner: Practitioner, left_on: date | None, by: By) -> Practitioner:
    """A practitioner has left the team: from that day they are not counted in its compliance (and a
    course they attended stays in their history)."""
    _require(by)
    errors: dict[str, list[str]] = {}
    if left_on is None:
        errors["left_on"] = ["Enter the date they left the team, for example 31 10 2026"]
    elif left_on > timezone.localdate():
        errors["left_on"] = ["Record leaving on or after the day they leave, not before"]
    elif practitioner.joined_on is not None and left_on < practitioner.joined_on:
        errors["left_on"] = [
            f"They joined the team on {uk_date(practitioner.joined_on)}: they cannot have left before that"
        ]
    if practitioner.left_on is not None:
        errors["left_on"] = [f"{practitioner.name} already left the team on {uk_date(practitioner.left_on)}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.snapshot(practitioner)
        practitioner.left_on = left_on
        practitioner.save(update_fields=["left_on"])
        audit.record_change(actor(by), A.UPDATE, practitioner, before=before)
    return practitioner


def session_schedule(
    *,
    course: TrainingCourse,
    on: date | None,
    venue: str,
    trainer_label: str = "",
    capacity: int = 30,
    by: By,
) -> TrainingSession:
    _require(by)
    errors: dict[str, list[str]] = {}
    if on is None:
        errors["on"] = ["Enter the date of the session"]
    if not venue.strip():
        errors["venue"] = ["Enter where the session is (or 'online')"]
    if capacity < 1:
        errors["capacity"] = ["A session has at least one place"]
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with transaction.atomic():
        session = TrainingSession.objects.create(
            course=course,
            on=on,
            venue=venue.strip(),
            trainer_label=trainer_label.strip() or label(by),
            capacity=capacity,
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "training_session",
                str(session.pk),
                detail={"course": course.pk, "on": on.isoformat()},
            ),
        )
    return session


def booking_add(*, session: TrainingSession, practitioner: Practitioner, by: By) -> TrainingBooking:
    _require(by)
    errors: list[str] = []
    if practitioner.partnership_id != session.course.partnership_id:
        errors.append("The practitioner is on another partnership's register")
    if session.bookings.filter(practitioner=practitioner).exists():
        errors.append(f"{practitioner.name} is already booked on this session")
    if session.bookings.exclude(status=TrainingBooking.Status.CANCELLED).count() >= session.capacity:
        errors.append(f"The session is full ({session.capacity} places)")
    if errors:
        raise ValidationError({"practitioner": errors})
    with transaction.atomic():
        booking = TrainingBooking.objects.create(
            session=session, practitioner=practitioner, booked_at=timezone.now(), booked_by_label=label(by)
        )
        audit.record(
            actor(by),
            audit.Event(A.CREATE, "training_booking", str(booking.pk), detail={"session": session.pk}),
        )
    return booking


def attendance_record(
    *, session: TrainingSession, statuses: dict[int, str], version: int | None, by: By
) -> TrainingSession:
    """Who attended: each booking's status (attended, did not attend, cancelled). Refused before the day
    of the session, for a booking that is not the session's, and for a status that is not one of those."""
    _require(by)
    errors: dict[str, list[str]] = {}
    if session.on > timezone.localdate():
        errors["__all__"] = [
            f"Attendance can be recorded from the day of the session ({uk_date(session.on)})"
        ]
    bookings = {b.pk: b for b in session.bookings.all()}
    unknown = [pk for pk in statuses if pk not in bookings]
    if unknown:
        errors.setdefault("__all__", []).append("A booking that is not on this session was sent")
    allowed = {
        TrainingBooking.Status.ATTENDED,
        TrainingBooking.Status.ABSENT,
        TrainingBooking.Status.CANCELLED,
    }
    bad = [pk for pk, s in statuses.items() if s not in allowed]
    if bad:
        errors.setdefault("__all__", []).append(
            "Choose attended, did not attend or cancelled for each booking"
        )
    if not statuses:
        errors.setdefault("__all__", []).append("Say who attended")
    changed_away = [
        bookings[pk].practitioner.name
        for pk, s in statuses.items()
        if pk in bookings
        and s != TrainingBooking.Status.ATTENDED
        and (hasattr(bookings[pk], "evaluation") or hasattr(bookings[pk], "follow_up"))
    ]
    if changed_away:
        errors.setdefault("__all__", []).append(
            f"{', '.join(changed_away)} already has an evaluation or follow-up: they attended"
        )
    if errors:
        raise ValidationError(errors)
    attempted = {str(pk): s for pk, s in sorted(statuses.items())}
    now = timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        require_version(locked, version, attempted)
        old = {}
        for pk, status in statuses.items():
            booking = bookings[pk]
            if booking.status != status:
                old[str(pk)] = booking.status
                booking.status = status
                booking.save(update_fields=["status"])
        locked.attendance_recorded_at = now
        locked.attendance_recorded_by_label = label(by)
        save_next_version(locked, ["attendance_recorded_at", "attendance_recorded_by_label"])
        audit.record(
            actor(by),
            audit.Event(
                A.UPDATE, "training_session", str(locked.pk), detail={"attendance": attempted, "old": old}
            ),
        )
    return locked


def _attended(booking: TrainingBooking, what: str) -> list[str]:
    if booking.status != TrainingBooking.Status.ATTENDED:
        return [f"{booking.practitioner.name} is not recorded as attending: record attendance before {what}"]
    return []


def evaluation_record(
    *,
    booking: TrainingBooking,
    confidence_before: int | None,
    confidence_after: int | None,
    will_do: str,
    by: By,
) -> TrainingEvaluation:
    """The attendee's evaluation on the day of the session (or soon after, never before)."""
    _require(by)
    errors: dict[str, list[str]] = {}
    if problems := _attended(booking, "the evaluation"):
        errors["__all__"] = problems
    if hasattr(booking, "evaluation"):
        errors.setdefault("__all__", []).append("The evaluation is already recorded")
    if confidence_before not in SCALE:
        errors["confidence_before"] = ["Choose how confident they were before, from 1 to 5"]
    if confidence_after not in SCALE:
        errors["confidence_after"] = ["Choose how confident they are after, from 1 to 5"]
    if not will_do.strip():
        errors["will_do"] = ["Say what the attendee will do differently"]
    if errors:
        raise ValidationError(errors)
    assert confidence_before is not None and confidence_after is not None
    with transaction.atomic():
        found = TrainingEvaluation.objects.create(
            booking=booking,
            confidence_before=confidence_before,
            confidence_after=confidence_after,
            will_do=will_do.strip(),
            recorded_at=timezone.now(),
            recorded_by_label=label(by),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "training_evaluation",
                str(found.pk),
                detail={"booking": booking.pk, "before": confidence_before, "after": confidence_after},
            ),
        )
    return found


def follow_up_record(
    *,
    booking: TrainingBooking,
    on: date | None,
    attendee_says: str,
    manager_name: str,
    manager_says: str,
    changed: str,
    by: By,
) -> TrainingFollowUp:
    """The follow-up with the attendee and their manager on what changed in practice (5.1e). Due three
    months after the session; refused if dated before the session, in the future, or for an attendee who
    did not attend."""
    _require(by)
    errors: dict[str, list[str]] = {}
    if problems := _attended(booking, "the follow-up"):
        errors["__all__"] = problems
    if hasattr(booking, "follow_up"):
        errors.setdefault("__all__", []).append("The follow-up is already recorded")
    if on is None:
        errors["on"] = ["Enter the date of the follow-up"]
    elif on < booking.session.on:
        errors["on"] = [
            f"The follow-up is dated before the session ({uk_date(booking.session.on)}): "
            "it asks what changed after the training"
        ]
    elif on > timezone.localdate():
        errors["on"] = ["The follow-up cannot be dated in the future"]
    if not attendee_says.strip():
        errors["attendee_says"] = ["Say what the attendee said has changed in their practice"]
    if not manager_name.strip():
        errors["manager_name"] = ["Enter the name of the attendee's manager"]
    if not manager_says.strip():
        errors["manager_says"] = ["Say what the manager has seen change"]
    if changed not in TrainingFollowUp.Changed.values:
        errors["changed"] = ["Choose whether practice changed"]
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with transaction.atomic():
        found = TrainingFollowUp.objects.create(
            booking=booking,
            on=on,
            attendee_says=attendee_says.strip(),
            manager_name=manager_name.strip(),
            manager_says=manager_says.strip(),
            changed=changed,
            recorded_at=timezone.now(),
            recorded_by_label=label(by),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "training_follow_up",
                str(found.pk),
                detail={"booking": booking.pk, "on": on.isoformat(), "changed": changed},
            ),
        )
    return found
