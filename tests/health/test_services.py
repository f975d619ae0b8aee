"""ED attendances and the discharge review queue (ED audits: tests/improvement/audits)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from mace.frontdoor.models import Contact
from mace.health import selectors, services
from mace.health.models import Attendance, DischargeReview
from mace.people.models import Flag

pytestmark = pytest.mark.django_db


def _attend(
    area: Any, by: Any = None, *, hours_ago: float = 3, discharged: bool = True, **kw: Any
) -> Attendance:
    arrived = timezone.now() - timedelta(hours=hours_ago)
    values: dict[str, Any] = {
        "arrived_at": arrived,
        "presenting_complaint": "Laceration to the hand, says he fell.",
        "subject": {"given_names": "Kayden", "family_name": "Moss"},
        "seen_alone": True,
        "cpis_checked": True,
        "cpis_result": "none",
        "exploitation_question_asked": True,
        "discharged_at": arrived + timedelta(hours=2) if discharged else None,
        "discharge_plan": "Home with mother; GP to review the wound.",
    }
    values.update(kw)
    attendance, _ = services.attendance_record(data=services.AttendanceIn(**values), by=by or area.nurse)
    return attendance


def test_an_unidentified_child_still_reaches_the_review_queue(ed_area: Any) -> None:
    attendance = _attend(ed_area, subject={"given_names": "Unknown", "family_name": "Girl"})
    assert attendance.person_id is None
    queue, total = selectors.review_queue(ed_area.lead)
    assert attendance in queue and total == 1


def test_an_attendance_with_no_details_at_all_still_reaches_the_review_queue(ed_area: Any) -> None:
    attendance = _attend(ed_area, subject={})
    assert attendance in selectors.review_queue(ed_area.lead)[0]


def test_a_child_in_the_department_is_not_yet_in_the_queue(ed_area: Any) -> None:
    _attend(ed_area, discharged=False)
    assert selectors.review_queue(ed_area.lead) == ([], 0)


@override_settings(MACE_FREQUENT_ATTENDER_COUNT=3)
def test_the_third_attendance_in_12_months_is_flagged_frequent(ed_area: Any) -> None:
    subject = {"given_names": "Jo", "family_name": "Bloggs", "date_of_birth": "2011-03-07"}
    first = _attend(ed_area, hours_ago=24 * 200, subject=subject)
    second = _attend(ed_area, hours_ago=24 * 30, subject=subject)
    third = _attend(ed_area, hours_ago=5, subject=subject)
    assert [a.attendances_in_year for a in (first, second, third)] == [1, 2, 3]
    assert [a.frequent_attender for a in (first, second, third)] == [False, False, True]


@override_settings(MACE_FREQUENT_ATTENDER_COUNT=3)
def test_attendances_more_than_12_months_ago_do_not_count(ed_area: Any) -> None:
    subject = {"given_names": "Jo", "family_name": "Bloggs", "date_of_birth": "2011-03-07"}
    _attend(ed_area, hours_ago=24 * 400, subject=subject)
    _attend(ed_area, hours_ago=24 * 380, subject=subject)
    assert not _attend(ed_area, subject=subject).frequent_attender


def test_a_child_who_left_before_assessment_is_flagged_and_reviewed(ed_area: Any) -> None:
    attendance = _attend(ed_area, left_before_assessment=True, discharge_plan="")
    assert attendance.left_before_assessment
    assert attendance in selectors.recent_attendances(ed_area.nurse, flag="left")
    assert attendance in selectors.review_queue(ed_area.lead)[0]


def test_not_seen_alone_needs_the_reason(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _attend(ed_area, seen_alone=False)
    assert "not_seen_alone_reason" in raised.value.message_dict


def test_cpis_checked_needs_what_it_showed(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _attend(ed_area, cpis_result="")
    assert "cpis_result" in raised.value.message_dict


def test_every_discharged_child_needs_an_outcome_to_leave_the_queue(ed_area: Any) -> None:
    attendances = [_attend(ed_area) for _ in range(3)]
    for attendance in attendances:
        with pytest.raises(ValidationError) as raised:
            services.discharge_review(
                attendance=attendance, outcome="", notes="Looked at it", by=ed_area.lead
            )
        assert "outcome" in raised.value.message_dict
    assert selectors.review_queue(ed_area.lead)[1] == 3
    services.discharge_review(
        attendance=attendances[0],
        outcome="liaison",
        notes="No concerns",
        shared_with="school_nurse",
        by=ed_area.lead,
    )
    services.discharge_review(
        attendance=attendances[1], outcome="intervention", notes="Older man waiting outside", by=ed_area.lead
    )
    remaining, total = selectors.review_queue(ed_area.lead)
    assert (remaining, total) == ([attendances[2]], 1)


def test_a_liaison_must_say_who_the_information_went_to(ed_area: Any) -> None:
    attendance = _attend(ed_area)
    with pytest.raises(ValidationError) as raised:
        services.discharge_review(attendance=attendance, outcome="liaison", notes="Fine", by=ed_area.lead)
    assert "shared_with" in raised.value.message_dict


def test_the_database_refuses_a_review_without_a_complete_outcome(ed_area: Any) -> None:
    attendance = _attend(ed_area)
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeReview.objects.create(
            attendance=attendance,
            outcome="liaison",
            notes="x",
            reviewed_by_label="x",
            reviewed_at=timezone.now(),
        )


def test_a_liaison_is_recorded_as_sent(ed_area: Any) -> None:
    review = services.discharge_review(
        attendance=_attend(ed_area),
        outcome="liaison",
        notes="Routine",
        shared_with="health_visiting",
        by=ed_area.lead,
    )
    assert review.shared_with == "health_visiting" and review.shared_at is not None
    assert review.contact_id is None


def test_further_intervention_sends_the_information_gathered_to_the_front_door(ed_area: Any) -> None:
    attendance = _attend(ed_area, seen_alone=False, not_seen_alone_reason="Older 'uncle' would not leave")
    review = services.discharge_review(
        attendance=attendance,
        outcome="intervention",
        notes="Adult refused to leave; cash in pocket",
        by=ed_area.lead,
    )
    contact = Contact.objects.get(pk=review.contact_id)
    assert contact.kind == Contact.Kind.ED_REFERRAL
    assert "Older 'uncle' would not leave" in contact.summary
    assert "Adult refused to leave" in contact.summary
    assert contact.source_agency == ed_area.trust


def test_a_child_is_reviewed_once(ed_area: Any) -> None:
    attendance = _attend(ed_area)
    services.discharge_review(
        attendance=attendance, outcome="liaison", notes="x", shared_with="school_nurse", by=ed_area.lead
    )
    with pytest.raises(ValidationError):
        services.discharge_review(attendance=attendance, outcome="intervention", notes="y", by=ed_area.lead)


def test_another_trusts_team_cannot_see_or_review_the_attendance(ed_area: Any) -> None:
    attendance = _attend(ed_area)
    assert selectors.review_queue(ed_area.other_lead) == ([], 0)
    with pytest.raises(PermissionError):
        services.discharge_review(
            attendance=attendance,
            outcome="liaison",
            notes="x",
            shared_with="school_nurse",
            by=ed_area.other_lead,
        )


def test_an_identified_child_gets_the_attendance_on_their_chronology(ed_area: Any) -> None:
    attendance = _attend(ed_area, person=ed_area.child)
    assert ed_area.child.chronology.filter(kind="health", title__startswith="Attended").exists()
    assert attendance.person == ed_area.child


def test_discharge_joins_the_queue(ed_area: Any) -> None:
    attendance = _attend(ed_area, discharged=False)
    services.attendance_discharge(
        attendance=attendance,
        discharged_at=timezone.now(),
        left_before_assessment=False,
        destination="Home",
        plan="Home with dad",
        by=ed_area.nurse,
        version=attendance.version,
    )
    assert attendance in selectors.review_queue(ed_area.lead)[0]


def test_a_stale_discharge_is_a_conflict(ed_area: Any) -> None:
    attendance = _attend(ed_area, discharged=False)
    with pytest.raises(services.Conflict):
        services.attendance_discharge(
            attendance=attendance,
            discharged_at=timezone.now(),
            left_before_assessment=True,
            destination="",
            plan="",
            by=ed_area.nurse,
            version=attendance.version + 1,
        )


def test_a_looked_after_result_on_cpis_flags_the_childs_record(ed_area: Any) -> None:
    _attend(ed_area, person=ed_area.child, cpis_result="looked_after")
    flag = Flag.objects.get(person=ed_area.child, kind=Flag.Kind.CPIS_LAC, removed_at__isnull=True)
    assert "Mid Shire Hospitals NHS FT" in flag.reason and flag.agency == ed_area.trust


def test_a_second_cpis_result_does_not_duplicate_a_live_flag(ed_area: Any) -> None:
    _attend(ed_area, person=ed_area.child, cpis_result="cp_plan", hours_ago=30)
    _attend(ed_area, person=ed_area.child, cpis_result="cp_plan")
    assert Flag.objects.filter(person=ed_area.child, kind=Flag.Kind.CPIS_CP).count() == 1


def test_no_cpis_record_sets_no_flag(ed_area: Any) -> None:
    _attend(ed_area, person=ed_area.child, cpis_result="none")
    assert not Flag.objects.filter(person=ed_area.child).exists()
