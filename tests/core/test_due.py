"""What is due for a child, gathered from every registered source, soonest (most overdue) first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mace.core import clocks, due


def test_items_from_every_source_come_most_overdue_first(monkeypatch: Any) -> None:
    later = due.Due("Later", datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    overdue = due.Due("Overdue", datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    soon = due.Due("Soon", datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(due, "SOURCES", {"a": lambda person: [later, overdue], "b": lambda person: [soon]})
    assert [d.title for d in due.for_person(object())] == ["Overdue", "Soon", "Later"]


def test_a_date_deadline_runs_to_the_end_of_that_uk_day() -> None:
    end = due.end_of_day(date(2026, 7, 1))
    assert end.astimezone(clocks.LONDON).date() == date(2026, 7, 1)
    assert due.Due("x", end).overdue(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) is False
    assert due.Due("x", end).overdue(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) is True


def _agreed_plan(person: Any, *, agreed: datetime) -> Any:
    from mace.plans.models import Plan, PlanVersion

    plan = Plan.objects.create(
        person=person,
        partnership=person.partnership,
        created_at=agreed,
        updated_at=agreed,
        plan_type="child_in_need",
        status="agreed",
        version=1,
    )
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        created_at=agreed,
        created_by_label="test",
        reason="test",
        plan_type="child_in_need",
        status="agreed",
    )
    return plan


def test_an_agreed_plan_is_due_for_review_92_days_after_its_last_review(db: Any) -> None:
    from mace.plans.models import PlanReview

    from ..factories import PersonFactory

    person = PersonFactory()
    plan = _agreed_plan(person, agreed=datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    [first] = [d for d in due.for_person(person) if d.title == "Review the plan"]
    assert first.due_at.astimezone(clocks.LONDON).date() == date(2026, 9, 1)  # 92 days after agreement
    PlanReview.objects.create(
        plan=plan,
        reviewed_version=1,
        held_on=date(2026, 8, 20),
        attendees="test",
        progress="test",
        contingency_needed=False,
        contingency_used=False,
        child_safer="yes",
        decision="continue",
        recorded_at=datetime(2026, 8, 20, 12, 0, tzinfo=UTC),
        recorded_by_label="test",
    )
    [after] = [d for d in due.for_person(person) if d.title == "Review the plan"]
    assert after.due_at.astimezone(clocks.LONDON).date() == date(2026, 11, 20)
    assert after.detail == "Last reviewed 20 August 2026"


def test_an_allocated_child_is_due_case_supervision_as_the_last_one_set_it(db: Any) -> None:
    from mace.casework.models import Supervision
    from mace.people.models import Involvement

    from ..factories import PersonFactory, TeamFactory, UserFactory

    person = PersonFactory()
    team = TeamFactory()
    worker = UserFactory(team=team)
    Involvement.objects.create(
        person=person,
        team=team,
        worker=worker,
        kind=Involvement.Kind.ALLOCATED,
        started_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    )
    [first] = [d for d in due.for_person(person) if d.title == "Case supervision"]
    # 20 working days after Thursday 1 October 2026.
    assert first.due_at.astimezone(clocks.LONDON).date() == clocks.add_working_days(date(2026, 10, 1), 20)
    Supervision.objects.create(
        person=person,
        worker=worker,
        manager_label="test",
        held_on=date(2026, 10, 20),
        attendees="test",
        reflection="test",
        safer="yes",
        analysis="test",
        next_due_on=date(2026, 11, 17),
        recorded_at=datetime(2026, 10, 20, 12, 0, tzinfo=UTC),
    )
    [after] = [d for d in due.for_person(person) if d.title == "Case supervision"]
    assert after.due_at.astimezone(clocks.LONDON).date() == date(2026, 11, 17)
