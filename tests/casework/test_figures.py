"""The timetable and supervision arithmetic, property-tested."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mace.casework import figures

WEEK = date(2026, 11, 16)  # a Monday

session = st.builds(
    figures.PlannedSession,
    id=st.integers(1, 10_000),
    weekday=st.integers(0, 6),
    minutes=st.integers(15, 240),
    kind=st.sampled_from(["education", "tuition", "youth_work", "sport", "other"]),
    active_from=st.just(WEEK - timedelta(weeks=4)),
)
sessions = st.lists(session, max_size=14, unique_by=lambda s: s.id)


@given(sessions, st.data())
def test_every_planned_session_is_attended_missed_or_unrecorded(plan: list, data: st.DataObject) -> None:
    marks = {(s.id, WEEK): data.draw(st.booleans()) for s in plan if data.draw(st.booleans())}
    w = figures.week_figures(plan, marks, WEEK)
    assert w.planned == len(plan)
    assert w.attended + w.missed + w.unrecorded == w.planned
    assert w.attended == sum(1 for s in plan if marks.get((s.id, WEEK)) is True)


@given(sessions, st.data())
def test_tuition_hours_count_only_attended_tuition(plan: list, data: st.DataObject) -> None:
    marks = {(s.id, WEEK): data.draw(st.booleans()) for s in plan}
    w = figures.week_figures(plan, marks, WEEK)
    assert w.tuition_minutes == sum(s.minutes for s in plan if s.kind == "tuition" and marks[(s.id, WEEK)])


@given(sessions, st.data(), st.integers(1, 12), st.integers(1, 8))
def test_a_recorded_week_is_below_target_exactly_when_sessions_or_tuition_fall_short(
    plan: list, data: st.DataObject, target: int, tuition: int
) -> None:
    marks = {(s.id, WEEK): data.draw(st.booleans()) for s in plan}
    w = figures.week_figures(plan, marks, WEEK)
    expected = w.recorded and (w.attended < target or w.tuition_minutes < tuition * 60)
    assert w.below_target(target, tuition) is expected


def test_an_unrecorded_week_is_never_highlighted_as_below_target() -> None:
    plan = [figures.PlannedSession(1, 0, 60, "tuition", WEEK)]
    assert not figures.week_figures(plan, {}, WEEK).below_target(10, 5)


def test_a_session_not_yet_started_or_ended_is_not_planned_that_week() -> None:
    later = figures.PlannedSession(1, 0, 60, "sport", WEEK + timedelta(days=7))
    ended = figures.PlannedSession(2, 2, 60, "sport", WEEK - timedelta(weeks=3), WEEK + timedelta(days=1))
    assert figures.week_figures([later, ended], {}, WEEK).planned == 0


@settings(deadline=None)  # the first call loads the bank holidays
@given(st.dates(date(2024, 1, 1), date(2027, 12, 1)), st.integers(1, 40))
def test_supervision_falls_due_the_given_number_of_working_days_later(start: date, n: int) -> None:
    due = figures.supervision_due(start, None, n)
    assert due > start
    assert (due - start).days >= n
    working = sum(
        1
        for i in range(1, (due - start).days + 1)
        if figures.clocks.is_working_day(start + timedelta(days=i))
    )
    assert working == n


@settings(deadline=None)
@given(st.dates(date(2024, 1, 1), date(2027, 12, 1)), st.dates(date(2024, 1, 1), date(2027, 12, 1)))
def test_the_last_supervision_not_the_allocation_sets_the_next_due_date(allocated: date, held: date) -> None:
    assert figures.supervision_due(allocated, held, 20) == figures.clocks.add_working_days(held, 20)


def test_supervision_is_in_date_on_its_due_day_and_overdue_the_day_after() -> None:
    assert figures.in_date(WEEK, WEEK)
    assert not figures.in_date(WEEK, WEEK + timedelta(days=1))


@given(
    st.lists(st.tuples(st.sampled_from("ABC"), st.dates(date(2026, 10, 1), date(2026, 12, 31)))),
    st.dates(date(2026, 10, 1), date(2026, 12, 31)),
)
def test_compliance_groups_add_up_to_the_whole_and_count_only_children_in_date(
    rows: list, today: date
) -> None:
    groups = figures.compliance_by(rows, today)
    assert sum(t for _, t in groups.values()) == len(rows)
    assert sum(m for m, _ in groups.values()) == sum(1 for _, due in rows if today <= due)
    for key, (met, total) in groups.items():
        assert 0 <= met <= total == sum(1 for k, _ in rows if k == key)
