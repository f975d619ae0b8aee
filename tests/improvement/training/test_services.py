"""Training's writes: attendance, the evaluation on the day and the three-month follow-up, each refused
with a clear reason when it cannot be right, and nothing written when refused."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mace.accounts.models import Role
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry
from mace.improvement.training import services
from mace.improvement.training.models import TrainingBooking, TrainingFollowUp

from ...factories import UserFactory
from .conftest import SYSTEM, register

pytestmark = pytest.mark.django_db
ATTENDED = TrainingBooking.Status.ATTENDED


def _attended(session: Any, practitioner: Any, by: Any) -> TrainingBooking:
    booking = services.booking_add(session=session, practitioner=practitioner, by=by)
    services.attendance_record(
        session=session, statuses={booking.pk: ATTENDED}, version=session.version, by=by
    )
    booking.refresh_from_db()
    return booking


def _follow_up(booking: TrainingBooking, on: date | None, by: Any) -> TrainingFollowUp:
    return services.follow_up_record(
        booking=booking,
        on=on,
        attendee_says="I ask every child with a head injury at night who they were with",
        manager_name="Sister Ward",
        manager_says="Screening tools completed on every shift I checked",
        changed=TrainingFollowUp.Changed.YES,
        by=by,
    )


def test_a_trainer_records_attendance_and_it_is_in_the_access_log(
    session: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    a, b = register(partnership, ed, 2)
    one = services.booking_add(session=session, practitioner=a, by=trainer)
    two = services.booking_add(session=session, practitioner=b, by=trainer)
    services.attendance_record(
        session=session,
        statuses={one.pk: ATTENDED, two.pk: TrainingBooking.Status.ABSENT},
        version=session.version,
        by=trainer,
    )
    one.refresh_from_db()
    two.refresh_from_db()
    session.refresh_from_db()
    assert (one.status, two.status) == (ATTENDED, TrainingBooking.Status.ABSENT)
    assert session.attendance_recorded_by_label == "Tara Trainer"
    assert AccessLogEntry.objects.filter(
        object_type="training_session", object_id=str(session.pk), action=AccessLogEntry.Action.UPDATE
    ).exists()


def test_attendance_cannot_be_recorded_before_the_day_of_the_session(
    now: Any, course: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    later = services.session_schedule(course=course, on=date(2023, 4, 1), venue="Online", by=SYSTEM)
    (a,) = register(partnership, ed, 1)
    booking = services.booking_add(session=later, practitioner=a, by=trainer)
    with pytest.raises(ValidationError, match="from the day of the session"):
        services.attendance_record(
            session=later, statuses={booking.pk: ATTENDED}, version=later.version, by=trainer
        )
    booking.refresh_from_db()
    assert booking.status == TrainingBooking.Status.BOOKED


def test_a_stale_attendance_form_is_a_conflict(session: Any, partnership: Any, ed: Any, trainer: Any) -> None:
    (a,) = register(partnership, ed, 1)
    booking = services.booking_add(session=session, practitioner=a, by=trainer)
    services.attendance_record(
        session=session, statuses={booking.pk: ATTENDED}, version=session.version, by=trainer
    )
    with pytest.raises(Conflict):
        services.attendance_record(
            session=session, statuses={booking.pk: TrainingBooking.Status.ABSENT}, version=1, by=trainer
        )
    booking.refresh_from_db()
    assert booking.status == ATTENDED


def test_only_a_trainer_records_attendance(session: Any, partnership: Any, ed: Any) -> None:
    (a,) = register(partnership, ed, 1)
    booking = services.booking_add(session=session, practitioner=a, by=SYSTEM)
    clinician = UserFactory(team=ed, roles=[Role.ED_CLINICIAN])
    with pytest.raises(PermissionError):
        services.attendance_record(
            session=session, statuses={booking.pk: ATTENDED}, version=session.version, by=clinician
        )
    booking.refresh_from_db()
    assert booking.status == TrainingBooking.Status.BOOKED


def test_a_follow_up_dated_before_the_session_is_refused_and_nothing_is_written(
    session: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    (a,) = register(partnership, ed, 1)
    booking = _attended(session, a, trainer)
    with pytest.raises(ValidationError) as refused:
        _follow_up(booking, date(2022, 11, 28), trainer)
    assert "dated before the session (29 November 2022)" in refused.value.message_dict["on"][0]
    assert not TrainingFollowUp.objects.exists()


def test_a_follow_up_in_the_future_is_refused(session: Any, partnership: Any, ed: Any, trainer: Any) -> None:
    (a,) = register(partnership, ed, 1)
    booking = _attended(session, a, trainer)
    with pytest.raises(ValidationError, match="future"):
        _follow_up(booking, date(2023, 3, 4), trainer)
    assert not TrainingFollowUp.objects.exists()


def test_a_follow_up_for_someone_who_did_not_attend_is_refused(
    session: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    (a,) = register(partnership, ed, 1)
    booking = services.booking_add(session=session, practitioner=a, by=trainer)
    with pytest.raises(ValidationError, match="not recorded as attending"):
        _follow_up(booking, date(2023, 3, 1), trainer)
    assert not TrainingFollowUp.objects.exists()


def test_the_three_month_follow_up_is_saved_with_the_managers_words(
    session: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    (a,) = register(partnership, ed, 1)
    booking = _attended(session, a, trainer)
    saved = _follow_up(booking, date(2023, 3, 1), trainer)
    assert saved.manager_says.startswith("Screening tools completed")
    assert saved.recorded_by_label == "Tara Trainer"
    assert AccessLogEntry.objects.filter(object_type="training_follow_up", object_id=str(saved.pk)).exists()


def test_a_second_follow_up_is_refused(session: Any, partnership: Any, ed: Any, trainer: Any) -> None:
    (a,) = register(partnership, ed, 1)
    booking = _attended(session, a, trainer)
    _follow_up(booking, date(2023, 3, 1), trainer)
    booking.refresh_from_db()
    with pytest.raises(ValidationError, match="already recorded"):
        _follow_up(booking, date(2023, 3, 2), trainer)
    assert TrainingFollowUp.objects.count() == 1


def test_an_evaluation_outside_the_scale_is_refused(
    session: Any, partnership: Any, ed: Any, trainer: Any
) -> None:
    (a,) = register(partnership, ed, 1)
    booking = _attended(session, a, trainer)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_record(
            booking=booking, confidence_before=0, confidence_after=6, will_do="Use the tool", by=trainer
        )
    assert set(refused.value.message_dict) == {"confidence_before", "confidence_after"}


def test_a_full_session_takes_no_more_bookings(
    course: Any, partnership: Any, ed: Any, trainer: Any, now: Any
) -> None:
    small = services.session_schedule(
        course=course, on=date(2023, 3, 1), venue="Room 1", capacity=1, by=SYSTEM
    )
    a, b = register(partnership, ed, 2)
    services.booking_add(session=small, practitioner=a, by=trainer)
    with pytest.raises(ValidationError, match="full"):
        services.booking_add(session=small, practitioner=b, by=trainer)
    assert small.bookings.count() == 1
