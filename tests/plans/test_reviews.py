from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mace.plans import services
from mace.plans.models import Plan, PlanReview, PlanStatus, PlanType
from tests.versions import saved_version

from .conftest import save

pytestmark = pytest.mark.django_db


def review_in(**kw: Any) -> services.ReviewIn:
    values: dict[str, Any] = {
        "held_on": timezone.localdate(),
        "attendees": "Social worker, school, police",
        "progress": "Attending school four days a week.",
        "contingency_needed": False,
        "contingency_used": False,
        "child_safer": PlanReview.Safer.YES,
        "decision": PlanReview.Decision.CONTINUE,
    }
    values.update(kw)
    return services.ReviewIn(**values)


def review(area: Any, **kw: Any) -> PlanReview:
    return services.review_record(
        plan=Plan.objects.get(person=area.child), data=review_in(**kw), by=area.social_worker
    )


def test_a_review_that_continues_the_plan_makes_no_new_version(area: Any) -> None:
    save(area)
    r = review(area)
    assert (r.reviewed_version, Plan.objects.get().version) == (1, 1)


def test_contingency_needed_but_not_used_must_say_why(area: Any) -> None:
    save(area)
    with pytest.raises(ValidationError) as exc:
        review(area, contingency_needed=True, contingency_used=False)
    assert "say why" in exc.value.message_dict["contingency_not_used_reason"][0]


def test_contingency_needed_and_not_used_with_a_reason_is_recorded(area: Any) -> None:
    save(area)
    r = review(
        area,
        contingency_needed=True,
        contingency_used=False,
        contingency_not_used_reason="Police found her first",
    )
    assert r.contingency_not_used_reason == "Police found her first"


def test_a_review_cannot_be_recorded_before_it_has_happened(area: Any) -> None:
    save(area)
    with pytest.raises(ValidationError) as exc:
        review(area, held_on=timezone.localdate() + timedelta(days=1))
    assert "held_on" in exc.value.message_dict


def test_a_review_that_changes_the_type_makes_the_next_version(area: Any) -> None:
    save(area)
    review(area, decision=PlanReview.Decision.CHANGE_TYPE, new_type=PlanType.CHILD_PROTECTION)
    plan = Plan.objects.get()
    assert (plan.version, plan.plan_type) == (2, PlanType.CHILD_PROTECTION)
    assert "Plan review on" in plan.versions.get(number=2).reason


def test_stepping_down_must_move_to_a_lower_plan(area: Any) -> None:
    save(area)
    with pytest.raises(ValidationError) as exc:
        review(area, decision=PlanReview.Decision.STEP_DOWN, new_type=PlanType.CARED_FOR)
    assert "lower" in exc.value.message_dict["new_type"][0]


def test_closing_the_plan_makes_a_closed_version(area: Any) -> None:
    save(area)
    review(area, decision=PlanReview.Decision.CLOSE)
    assert Plan.objects.get().status == PlanStatus.CLOSED


def test_a_review_of_an_older_version_builds_a_type_change_on_the_latest(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Colleague's change", outcomes="Outcome saved meanwhile")
    r = services.review_record(
        plan=Plan.objects.get(),
        data=review_in(decision=PlanReview.Decision.CHANGE_TYPE, new_type=PlanType.CHILD_PROTECTION),
        by=area.social_worker,
        version=1,
    )
    plan = Plan.objects.get()
    assert r.reviewed_version == 1
    assert plan.versions.get(number=3).outcomes == "Outcome saved meanwhile"


def test_the_childs_words_at_a_review_count_as_hearing_them(area: Any) -> None:
    from mace.core import voice

    save(area, child_views="")
    review(area, child_views="I feel safer now I'm at the new school.")
    assert voice.last_heard([area.child.pk])[area.child.pk][1] == "plan reviews"


def _review_meeting(area: Any, *, hold: bool = True) -> Any:
    from mace.meetings import services as meetings

    data = meetings.MeetingIn(
        kind="plan_review",
        scheduled_at=timezone.now() - timedelta(days=2),
        purpose="Review the child in need plan.",
        children=[area.child],
    )
    meeting = meetings.meeting_schedule(
        data=data, partnership=area.partnership, team=area.social_work, by=area.colleague
    )
    if hold:
        attendance = {i.pk: i.user_id != area.officer.pk for i in meeting.invitations.all()}
        held = meetings.HeldIn(
            held_at=meeting.scheduled_at, attendance=attendance, decision="Continue the plan."
        )
        meeting = meetings.meeting_hold(
            meeting=meeting, data=held, by=area.colleague, version=saved_version(meeting)
        )
    return meeting


def test_every_professional_involved_is_invited_to_a_plan_review_meeting(area: Any) -> None:
    meeting = _review_meeting(area, hold=False)
    invited = set(meeting.invitations.values_list("user_id", flat=True))
    assert {area.social_worker.pk, area.teacher.pk, area.officer.pk} <= invited


def test_a_review_from_its_meeting_takes_the_date_and_who_attended(area: Any) -> None:
    save(area, at=timezone.now() - timedelta(days=30))
    meeting = _review_meeting(area)
    r = review(area, meeting=meeting, held_on=None, attendees="")
    assert r.meeting_id == meeting.pk
    assert r.held_on == timezone.localdate(meeting.held_at)
    assert "Halbury Academy" in r.attendees and "Shire Police" not in r.attendees


def test_a_review_meeting_not_yet_held_cannot_be_recorded_as_the_review(area: Any) -> None:
    save(area, at=timezone.now() - timedelta(days=30))
    meeting = _review_meeting(area, hold=False)
    with pytest.raises(ValidationError) as exc:
        review(area, meeting=meeting)
    assert list(exc.value.message_dict) == ["meeting"]


def test_one_meeting_records_one_review(area: Any) -> None:
    save(area, at=timezone.now() - timedelta(days=30))
    meeting = _review_meeting(area)
    review(area, meeting=meeting)
    with pytest.raises(ValidationError) as exc:
        review(area, meeting=meeting)
    assert "already been recorded" in exc.value.message_dict["meeting"][0]
