from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mace.core import voice
from mace.core.models import AccessLogEntry, Notification
from mace.people.models import ChronologyEvent
from mace.plans import diff, selectors, services
from mace.plans.models import Plan, PlanStatus, PlanType, PlanVersion

from .conftest import action, plan_in, save

pytestmark = pytest.mark.django_db


def test_the_first_save_makes_version_one_of_the_childs_only_plan(area: Any) -> None:
    v = save(area)
    assert (v.number, v.status, v.reason) == (1, PlanStatus.AGREED, "First version of the plan")
    assert Plan.objects.filter(person=area.child).count() == 1


def test_a_change_of_plan_type_is_a_new_version_of_the_same_plan(area: Any) -> None:
    save(area)
    v2 = save(area, version=1, plan_type=PlanType.CHILD_PROTECTION, reason="Strategy meeting: section 47")
    assert v2.plan_id == Plan.objects.get(person=area.child).pk
    assert [v.plan_type for v in PlanVersion.objects.order_by("number")] == [
        "child_in_need",
        "child_protection",
    ]


def test_earlier_versions_are_kept_unchanged(area: Any) -> None:
    save(area)
    save(area, version=1, reason="New school", outcomes="Settled at the new school.")
    assert PlanVersion.objects.get(number=1).outcomes == "Back in school full time; no missing episodes."


def test_a_plan_cannot_be_agreed_without_a_contingency_plan(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        save(area, contingency="  ")
    assert "cannot be agreed without a contingency plan" in exc.value.message_dict["contingency"][0]
    assert not Plan.objects.exists()


def test_a_draft_may_be_saved_without_a_contingency_plan(area: Any) -> None:
    assert save(area, agree=False, contingency="").status == PlanStatus.DRAFT


def test_an_action_without_an_owner_is_refused(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        save(area, actions=[action(owner="", agency="")])
    assert "owner" in exc.value.message_dict["action_1"][0]


def test_an_action_owned_by_an_agency_alone_is_accepted(area: Any) -> None:
    v = save(area, actions=[action(owner="", agency="Shire Police")])
    assert v.actions[0]["agency"] == "Shire Police"


def test_every_problem_is_reported_at_once(area: Any) -> None:
    save(area)
    with pytest.raises(ValidationError) as exc:
        save(area, version=1, reason="", contingency="", actions=[action(due=None, owner="")])
    assert set(exc.value.message_dict) == {"reason", "contingency", "action_1"}


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Mine first", outcomes="First saver's outcomes")
    with pytest.raises(services.Conflict) as c:
        save(area, version=1, by=area.colleague, reason="Theirs", outcomes="Second saver's outcomes")
    assert c.value.record.number == 2 and c.value.attempted["outcomes"] == "Second saver's outcomes"
    assert Plan.objects.get().version == 2


def test_professionals_involved_are_told_of_a_new_version_but_not_the_author(area: Any) -> None:
    save(area)
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {area.teacher.pk, area.officer.pk}
    assert Notification.objects.filter(link=f"/plans/children/{area.child.pk}/versions/1/").count() == 2


def test_each_version_is_in_the_chronology_and_the_access_log(area: Any) -> None:
    save(area)
    assert ChronologyEvent.objects.filter(
        person=area.child, kind="plan", title__contains="version 1 agreed"
    ).exists()
    assert AccessLogEntry.objects.filter(
        object_type="plan", action="create", person_id=area.child.pk
    ).exists()


def test_who_has_the_latest_version(area: Any) -> None:
    save(area)
    plan = Plan.objects.get()
    services.plan_seen(plan=plan, by=area.teacher)
    save(area, version=1, reason="Change")
    services.plan_seen(plan=plan, by=area.officer, number=2, acknowledge=True)
    got = {h.user.pk: (h.seen, h.acknowledged, h.has_latest) for h in selectors.holders(Plan.objects.get())}
    assert got == {
        area.social_worker.pk: (2, 2, True),
        area.teacher.pk: (1, 0, False),
        area.officer.pk: (2, 2, True),
    }


def test_the_diff_names_changed_fields_and_added_removed_and_changed_actions(area: Any) -> None:
    first = save(area, actions=[action("Keep"), action("Drop")])
    keep, drop = first.actions
    second = save(
        area,
        version=1,
        reason="Review",
        plan_type=PlanType.CHILD_PROTECTION,
        actions=[
            action("Keep", key=keep["key"], done=date(2026, 11, 1)),
            action("New", agency="Halbury Academy", owner=""),
        ],
    )
    d = diff.compare(first, second)
    assert [f.name for f in d.fields] == ["plan_type"]
    assert (d.fields[0].before, d.fields[0].after) == ("Child in need", "Child protection")
    assert [a["text"] for a in d.added] == ["New"] and [a["text"] for a in d.removed] == ["Drop"]
    assert d.changed[0].changes == [("completed", "", "2026-11-01")]
    assert drop["key"] not in [a["key"] for a in second.actions]


def test_the_childs_views_count_as_hearing_them_only_when_they_change(area: Any) -> None:
    save(area)
    heard = voice.last_heard([area.child.pk])[area.child.pk]
    save(area, version=1, reason="Dates", at=timezone.now() + timedelta(days=3))
    assert voice.last_heard([area.child.pk])[area.child.pk] == heard


def test_a_completion_date_in_the_future_is_refused(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        save(area, actions=[action(done=timezone.localdate() + timedelta(days=2))])
    assert "future" in exc.value.message_dict["action_1"][0]


def test_roles_that_do_not_hold_plans_cannot_save_one(area: Any) -> None:
    with pytest.raises(PermissionError):
        save(area, by=area.teacher)


def test_overdue_actions_are_counted(area: Any) -> None:
    v = save(
        area, actions=[action(due=date(2026, 1, 5)), action(due=date(2026, 1, 5), done=date(2026, 1, 4))]
    )
    assert selectors.overdue_actions(v, date(2026, 11, 21)) == 1


def test_plan_in_defaults_are_valid(area: Any) -> None:
    assert services.validate_plan(plan_in(), first=True) == {}
