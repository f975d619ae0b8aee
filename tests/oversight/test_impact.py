"""Impact per child: the 90 days before each start of the plan against the days after it."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from mace.accounts.models import Role
from mace.casework.models import SessionAttendance, TimetableSession
from mace.oversight import impact
from mace.people.models import Person
from mace.plans.models import Plan, PlanStatus, PlanType, PlanVersion
from mace.screening.models import Level

from ..conftest import sign_in
from ..factories import InvolvementFactory, UserFactory
from .conftest import NOW, Records, at

START = at(1, 10, month=9)  # the plan agreed on 1 September 2026


def _plan(child: Person, *versions: tuple[datetime, str, str]) -> Plan:
    plan = Plan.objects.create(
        person=child,
        partnership=child.partnership,
        created_at=versions[0][0],
        updated_at=versions[-1][0],
        plan_type=versions[-1][1],
        status=versions[-1][2],
        version=len(versions),
    )
    for number, (when, plan_type, status) in enumerate(versions, start=1):
        PlanVersion.objects.create(
            plan=plan,
            number=number,
            created_at=when,
            created_by_label="test",
            reason="test",
            plan_type=plan_type,
            status=status,
        )
    return plan


def _safer_child(records: Records) -> Person:
    child = records.child(given_names="Zebedee", family_name="Quillfeather")
    _plan(
        child,
        (START - timedelta(days=3), PlanType.CHILD_IN_NEED, PlanStatus.DRAFT),
        (START, PlanType.CHILD_IN_NEED, PlanStatus.AGREED),
    )
    records.screening(child, judgement=Level.HIGH, completed_at=START - timedelta(days=20))
    records.screening(child, judgement=Level.MEDIUM, completed_at=START + timedelta(days=60))
    for days in (10, 30, 50):
        records.episode(child, last_seen_at=START - timedelta(days=days))
    records.episode(child, last_seen_at=START + timedelta(days=40))
    session = TimetableSession.objects.create(
        person=child,
        weekday=0,
        starts_at="09:00",
        ends_at="12:00",
        kind="education",
        provider="School",
        active_from=date(2026, 6, 1),
        created_by_label="test",
    )
    for weeks, attended in ((-4, False), (-3, False), (-2, True), (2, True), (3, True), (4, True)):
        SessionAttendance.objects.create(
            session=session,
            week_starting=date(2026, 8, 31) + timedelta(weeks=weeks),
            attended=attended,
            recorded_by_label="test",
            recorded_at=NOW,
        )
    return child


def test_the_comparison_reads_the_90_days_either_side_of_the_plans_start(records: Records) -> None:
    child = _safer_child(records)
    (c,) = impact.child_impact(child.pk, now=NOW)
    assert c.start.label == "Plan agreed (child in need)" and c.start.at == START
    assert (c.risk_before, c.risk_after, c.risk) == (Level.HIGH, Level.MEDIUM, "lower")
    assert (c.missing_before, c.missing_after, c.missing) == (3, 1, "fewer")
    assert c.education_before is not None and c.education_after is not None
    assert (round(c.education_before, 2), c.education_after, c.education) == (0.33, 1.0, "more")


def test_a_change_of_plan_type_starts_a_new_comparison(records: Records) -> None:
    child = records.child()
    _plan(
        child,
        (START, PlanType.CHILD_IN_NEED, PlanStatus.AGREED),
        (START + timedelta(days=20), PlanType.CHILD_IN_NEED, PlanStatus.AGREED),
        (START + timedelta(days=40), PlanType.CHILD_PROTECTION, PlanStatus.AGREED),
    )
    labels = [c.start.label for c in impact.child_impact(child.pk, now=NOW)]
    assert labels == ["Plan agreed (child in need)", "Plan changed to child protection"]


def test_with_nothing_recorded_after_the_start_the_change_is_unclear_never_improved(records: Records) -> None:
    child = records.child()
    _plan(child, (START, PlanType.EARLY_HELP, PlanStatus.AGREED))
    records.screening(child, judgement=Level.HIGH, completed_at=START - timedelta(days=5))
    (c,) = impact.child_impact(child.pk, now=NOW)
    assert (c.risk, c.education, c.safer) == ("unclear", "unclear", "unclear")


def test_the_cohort_counts_the_children_whose_plan_started_3_months_before(records: Records) -> None:
    _safer_child(records)
    cohort = {c.months: c for c in impact.cohorts([records.partnership.pk], at(1, 0, month=12))}
    assert (cohort[3].children, cohort[3].risk_lower, cohort[3].missing_fewer, cohort[3].education_more) == (
        1,
        1,
        1,
        1,
    )
    assert cohort[12].children == 0


def test_a_social_worker_sees_the_impact_chart_and_its_table_on_the_childs_record(
    client: Any, records: Records
) -> None:
    child = _safer_child(records)
    worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    InvolvementFactory(person=child, team=worker.team)
    page = sign_in(client, worker).get(f"/people/{child.pk}/").content.decode()
    assert "safer since the plan started?" in page and "mace-chart" in page
    assert "Before and after each start of the plan" in page and "(lower)" in page


def test_an_executive_reads_the_impact_of_plans_as_counts_only(client: Any, records: Records) -> None:
    _safer_child(records)
    page = (
        sign_in(client, UserFactory(roles=[Role.EXECUTIVE]))
        .get("/oversight/impact/?period=month:2026-11")
        .content.decode()
    )
    assert "regression to the mean" in page and "Quillfeather" not in page
    assert "fewer than 5" in page
