"""Tests for the clock service (mace.core.clocks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.core import clocks
from mace.core.clocks import (
    LONDON,
    RagStatus,
    Standards,
    WorkingHours,
    add_calendar_days,
    add_clock_hours,
    add_working_days,
    decision_due,
    effective_received_at,
    end_of_working_day,
    format_time_left,
    is_bank_holiday,
    is_working_day,
    minutes_share_due,
    next_working_day,
    rag,
    review_due,
    rhi_offer_due,
    strategy_meeting_due,
    time_left,
    working_time_between,
)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- strategies ------------------------------------------------------------------------------------

TIMEZONES = st.sampled_from(
    [UTC, LONDON, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-3))]
)
aware_datetimes = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31, 23, 59, 59), timezones=TIMEZONES
)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))


def later(t: datetime, delta: timedelta) -> datetime:
    """``t`` plus real elapsed time, kept in t's timezone (plain ``+`` adds wall-clock time)."""
    return (t.astimezone(UTC) + delta).astimezone(t.tzinfo)


# --- working days ----------------------------------------------------------------------------------


def test_ordinary_weekday_is_a_working_day() -> None:
    assert is_working_day(date(2026, 1, 14))


def test_saturday_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 1, 17))


def test_christmas_day_2026_friday_is_a_bank_holiday() -> None:
    assert is_bank_holiday(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 25))


def test_boxing_day_substitute_monday_28_december_2026_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 12, 28))


def test_easter_monday_2027_is_not_a_working_day() -> None:
    assert not is_working_day(date(2027, 3, 29))


def test_early_may_bank_holiday_2026_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 5, 4))


def test_one_off_state_funeral_2022_is_not_a_working_day() -> None:
    assert not is_working_day(date(2022, 9, 19))


def test_working_day_check_rejects_datetimes() -> None:
    with pytest.raises(TypeError):
        is_working_day(utc(2026, 1, 14, 12))


def test_next_working_day_skips_christmas_weekend_and_boxing_day_substitute() -> None:
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_next_working_day_is_strictly_after_a_working_day() -> None:
    assert next_working_day(date(2026, 1, 14)) == date(2026, 1, 15)


def test_add_working_days_skips_easter_2027() -> None:
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_add_working_days_backwards_skips_christmas_2026() -> None:
    assert add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)


def test_add_zero_working_days_returns_the_same_date() -> None:
    assert add_working_days(date(2026, 1, 17), 0) == date(2026, 1, 17)


@given(d=dates)
def test_next_working_day_is_a_later_working_day(d: date) -> None:
    result = next_working_day(d)
    assert result > d
    assert is_working_day(result)


@given(d=dates, n=st.integers(min_value=-40, max_value=40).filter(lambda n: n != 0))
def test_add_working_days_lands_on_a_working_day(d: date, n: int) -> None:
    assert is_working_day(add_working_days(d, n))


@given(d=dates, n=st.integers(min_value=1, max_value=40))
def test_add_working_days_counts_exactly_n_working_days(d: date, n: int) -> None:
    result = add_working_days(d, n)
    between = (d + timedelta(days=i) for i in range(1, (result - d).days + 1))
    assert sum(is_working_day(day) for day in between) == n


# --- effective receipt and decision deadline -------------------------------------------------------


def test_friday_1659_is_received_at_once() -> None:
    received = london(2026, 1, 16, 16, 59)
    assert effective_received_at(received) == received


def test_friday_1659_decision_is_due_1700_the_same_friday() -> None:
    assert decision_due(london(2026, 1, 16, 16, 59)) == london(2026, 1, 16, 17)


def test_friday_1701_counts_as_received_monday_0900() -> None:
    assert effective_received_at(london(2026, 1, 16, 17, 1)) == london(2026, 1, 19, 9)


def test_friday_1701_decision_is_due_monday_1700() -> None:
    assert decision_due(london(2026, 1, 16, 17, 1)) == london(2026, 1, 19, 17)


def test_contact_at_exactly_closing_time_counts_as_next_working_day() -> None:
    assert effective_received_at(london(2026, 1, 14, 17)) == london(2026, 1, 15, 9)


def test_contact_before_opening_on_a_working_day_counts_from_0900_that_day() -> None:
    assert effective_received_at(london(2026, 1, 14, 7, 30)) == london(2026, 1, 14, 9)


def test_saturday_contact_counts_as_received_monday_0900() -> None:
    assert effective_received_at(london(2026, 1, 17, 11)) == london(2026, 1, 19, 9)


def test_christmas_day_2026_contact_counts_as_received_tuesday_29_december() -> None:
    assert effective_received_at(london(2026, 12, 25, 10)) == london(2026, 12, 29, 9)


def test_christmas_eve_2026_evening_contact_decision_is_due_tuesday_29_december() -> None:
    assert decision_due(london(2026, 12, 24, 18)) == london(2026, 12, 29, 17)


def test_easter_2027_contact_counts_as_received_tuesday_0900_bst() -> None:
    result = effective_received_at(london(2027, 3, 25, 18))
    assert result == utc(2027, 3, 30, 8)


def test_early_may_bank_holiday_contact_decision_is_due_tuesday() -> None:
    assert decision_due(london(2026, 5, 4, 12)) == london(2026, 5, 5, 17)


def test_effective_receipt_is_returned_in_utc() -> None:
    assert effective_received_at(london(2026, 6, 10, 12)).tzinfo is UTC


def test_decision_due_is_returned_in_utc() -> None:
    assert decision_due(london(2026, 6, 10, 12)).tzinfo is UTC


def test_custom_working_hours_move_the_decision_deadline() -> None:
    hours = WorkingHours(open=time(8, 0), close=time(18, 0))
    assert end_of_working_day(london(2026, 1, 14, 17, 30), hours=hours) == london(2026, 1, 14, 18)


def test_working_hours_must_open_before_they_close() -> None:
    with pytest.raises(ValueError, match="open before"):
        WorkingHours(open=time(17, 0), close=time(9, 0))


@given(received=aware_datetimes)
def test_effective_receipt_is_never_earlier_than_receipt(received: datetime) -> None:
    assert effective_received_at(received) >= received


@given(received=aware_datetimes)
def test_effective_receipt_falls_on_a_working_day_within_working_hours(received: datetime) -> None:
    local = effective_received_at(received).astimezone(LONDON)
    assert is_working_day(local.date())
    assert time(9, 0) <= local.time() < time(17, 0)


@given(received=aware_datetimes)
def test_decision_due_is_1700_london_on_a_working_day(received: datetime) -> None:
    local = decision_due(received).astimezone(LONDON)
    assert local.time() == time(17, 0)
    assert is_working_day(local.date())


@given(received=aware_datetimes)
def test_decision_due_is_not_before_effective_receipt(received: datetime) -> None:
    assert decision_due(received) >= effective_received_at(received)


# --- clock hours and calendar days -----------------------------------------------------------------


def test_review_due_24_hours_after_receipt_on_an_ordinary_day() -> None:
    assert review_due(london(2026, 1, 16, 22)) == london(2026, 1, 17, 22)


def test_review_across_march_2026_clock_change_is_24_real_hours() -> None:
    received = london(2026, 3, 28, 12)  # GMT
    due = review_due(received)
    assert due - received == timedelta(hours=24)
    assert due == london(2026, 3, 29, 13)  # BST: the wall clock shows 13:00


def test_review_across_october_2026_clock_change_is_24_real_hours() -> None:
    received = london(2026, 10, 24, 12)  # BST
    due = review_due(received)
    assert due - received == timedelta(hours=24)
    assert due == london(2026, 10, 25, 11)  # GMT: the wall clock shows 11:00


def test_strategy_meeting_due_48_clock_hours_after_going_missing() -> None:
    assert strategy_meeting_due(utc(2026, 1, 16, 23)) == utc(2026, 1, 18, 23)


def test_rhi_offer_due_72_clock_hours_after_return() -> None:
    assert rhi_offer_due(utc(2026, 12, 24, 10)) == utc(2026, 12, 27, 10)


def test_configured_standards_change_the_review_deadline() -> None:
    assert review_due(utc(2026, 1, 1), Standards(review_hours=4)) == utc(2026, 1, 1, 4)


def test_standards_reject_non_positive_hours() -> None:
    with pytest.raises(ValueError, match="review_hours"):
        Standards(review_hours=0)


def test_standards_reject_unknown_decision_rule() -> None:
    with pytest.raises(ValueError, match="decision rule"):
        Standards(decision="next_week")  # type: ignore[arg-type]


def test_minutes_share_due_keeps_wall_clock_time_across_march_clock_change() -> None:
    assert minutes_share_due(london(2026, 3, 20, 14)) == london(2026, 3, 30, 14)


def test_minutes_share_due_is_ten_calendar_days_even_over_christmas() -> None:
    assert minutes_share_due(london(2026, 12, 22, 10)) == london(2027, 1, 1, 10)


def test_calendar_day_into_skipped_march_hour_moves_an_hour_later() -> None:
    result = add_calendar_days(london(2026, 3, 28, 1, 30), 1)
    assert result == utc(2026, 3, 29, 1, 30)  # 02:30 BST


def test_calendar_day_into_repeated_october_hour_takes_first_occurrence() -> None:
    result = add_calendar_days(london(2026, 10, 24, 1, 30), 1)
    assert result == utc(2026, 10, 25, 0, 30)  # 01:30 BST, before the clocks go back


def test_add_clock_hours_rejects_non_finite_hours() -> None:
    with pytest.raises(ValueError, match="finite"):
        add_clock_hours(utc(2026, 1, 1), float("inf"))


@given(start=aware_datetimes, hours=st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_add_clock_hours_adds_exactly_that_elapsed_time(start: datetime, hours: float) -> None:
    assert add_clock_hours(start, hours) - start == timedelta(hours=hours)


@given(start=aware_datetimes, days=st.integers(min_value=0, max_value=60))
def test_add_calendar_days_lands_on_the_right_london_date(start: datetime, days: int) -> None:
    result = add_calendar_days(start, days).astimezone(LONDON)
    assert result.date() == start.astimezone(LONDON).date() + timedelta(days=days)


# --- working time ----------------------------------------------------------------------------------


def test_working_time_within_one_day() -> None:
    assert working_time_between(london(2026, 1, 14, 10), london(2026, 1, 14, 12, 30)) == timedelta(
        hours=2, minutes=30
    )


def test_working_time_over_a_weekend_counts_only_open_hours() -> None:
    assert working_time_between(london(2026, 1, 16, 16), london(2026, 1, 19, 10)) == timedelta(hours=2)


def test_working_time_over_christmas_2026_skips_bank_holidays() -> None:
    # Thu 24th 16:00 to Tue 29th 10:00: one hour each side of the break.
    assert working_time_between(london(2026, 12, 24, 16), london(2026, 12, 29, 10)) == timedelta(hours=2)


def test_working_time_is_zero_when_end_precedes_start() -> None:
    assert working_time_between(london(2026, 1, 14, 12), london(2026, 1, 14, 10)) == timedelta(0)


@given(start=aware_datetimes, span=spans)
def test_working_time_is_never_negative(start: datetime, span: timedelta) -> None:
    end = later(start, span)
    assert working_time_between(start, end) >= timedelta(0)
    assert working_time_between(end, start) == timedelta(0)


@given(start=aware_datetimes, span=spans)
def test_working_time_never_exceeds_elapsed_time(start: datetime, span: timedelta) -> None:
    assert working_time_between(start, later(start, span)) <= span


@given(start=aware_datetimes, first=spans, second=spans)
def test_working_time_is_additive_over_a_split_point(
    start: datetime, first: timedelta, second: timedelta
) -> None:
    split = later(start, first)
    end = later(split, second)
    assert working_time_between(start, end) == working_time_between(start, split) + working_time_between(
        split, end
    )


# --- time left, RAG and formatting -----------------------------------------------------------------


def test_time_left_is_negative_when_overdue() -> None:
    assert time_left(utc(2026, 1, 1, 12), utc(2026, 1, 1, 13)) == timedelta(hours=-1)


def test_time_left_uses_real_time_across_the_october_clock_change() -> None:
    assert time_left(london(2026, 10, 25, 3), london(2026, 10, 25, 0)) == timedelta(hours=4)


@given(due=aware_datetimes, now=aware_datetimes)
def test_time_left_sign_matches_due_versus_now(due: datetime, now: datetime) -> None:
    left = time_left(due, now)
    due_utc, now_utc = due.astimezone(UTC), now.astimezone(UTC)
    assert (left > timedelta(0)) == (due_utc > now_utc)
    assert (left < timedelta(0)) == (due_utc < now_utc)


STARTED = utc(2026, 1, 1, 0)
DUE = utc(2026, 1, 2, 0)  # 24 hours allowed


def test_rag_is_green_before_half_the_time_has_gone() -> None:
    assert rag(DUE, utc(2026, 1, 1, 11, 59), started=STARTED) is RagStatus.GREEN


def test_rag_is_amber_once_half_the_time_has_gone() -> None:
    assert rag(DUE, utc(2026, 1, 1, 12), started=STARTED) is RagStatus.AMBER


def test_rag_is_red_once_eighty_percent_of_the_time_has_gone() -> None:
    assert rag(DUE, STARTED + timedelta(hours=19.2), started=STARTED) is RagStatus.RED


def test_rag_is_red_not_breached_at_the_deadline_itself() -> None:
    assert rag(DUE, DUE, started=STARTED) is RagStatus.RED


def test_rag_is_breached_after_the_deadline() -> None:
    assert rag(DUE, DUE + timedelta(seconds=1), started=STARTED) is RagStatus.BREACHED


def test_rag_honours_custom_fractions() -> None:
    assert rag(DUE, utc(2026, 1, 1, 6), started=STARTED, amber_fraction=0.25) is RagStatus.AMBER


def test_rag_rejects_amber_after_red() -> None:
    with pytest.raises(ValueError, match="fractions"):
        rag(DUE, STARTED, started=STARTED, amber_fraction=0.9, red_fraction=0.8)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=3, minutes=20), "3 hours 20 minutes left"),
        (timedelta(minutes=45), "45 minutes left"),
        (timedelta(days=2, hours=4, minutes=59), "2 days 4 hours left"),
        (-timedelta(hours=1, minutes=5), "overdue by 1 hour 5 minutes"),
        (timedelta(days=1), "1 day left"),
        (timedelta(hours=2), "2 hours left"),
        (timedelta(minutes=1, seconds=59), "1 minute left"),
        (timedelta(seconds=30), "less than a minute left"),
        (-timedelta(seconds=30), "overdue by less than a minute"),
    ],
)
def test_format_time_left_reads_naturally(delta: timedelta, expected: str) -> None:
    assert format_time_left(delta) == expected


# --- validation ------------------------------------------------------------------------------------

NAIVE = datetime(2026, 1, 14, 12, 0)
AWARE = utc(2026, 1, 14, 12)

NAIVE_CALLS: list[tuple[str, Callable[[], Any]]] = [
    ("effective_received_at", lambda: effective_received_at(NAIVE)),
    ("end_of_working_day", lambda: end_of_working_day(NAIVE)),
    ("add_clock_hours", lambda: add_clock_hours(NAIVE, 1)),
    ("add_calendar_days", lambda: add_calendar_days(NAIVE, 1)),
    ("working_time_between", lambda: working_time_between(AWARE, NAIVE)),
    ("time_left", lambda: time_left(NAIVE, AWARE)),
    ("rag", lambda: rag(AWARE, AWARE, started=NAIVE)),
    ("review_due", lambda: review_due(NAIVE)),
    ("decision_due", lambda: decision_due(NAIVE)),
    ("strategy_meeting_due", lambda: strategy_meeting_due(NAIVE)),
    ("rhi_offer_due", lambda: rhi_offer_due(NAIVE)),
    ("minutes_share_due", lambda: minutes_share_due(NAIVE)),
]


@pytest.mark.parametrize(("name", "call"), NAIVE_CALLS, ids=[name for name, _ in NAIVE_CALLS])
def test_naive_datetimes_are_rejected(name: str, call: Callable[[], Any]) -> None:
    assert name in clocks.__all__
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- finished work against its deadline ----------------------------------------------------------

_DUE = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def test_work_finished_after_its_deadline_says_how_long_after() -> None:
    assert clocks.format_against_deadline(_DUE + timedelta(hours=3, seconds=20), _DUE) == (
        "3 hours after the deadline"
    )


def test_work_finished_before_its_deadline_says_how_long_before() -> None:
    assert (
        clocks.format_against_deadline(_DUE - timedelta(minutes=20), _DUE) == "20 minutes before the deadline"
    )


def test_work_finished_at_the_deadline_itself_is_on_time() -> None:
    assert clocks.on_time(_DUE, _DUE)
    assert clocks.format_against_deadline(_DUE, _DUE) == "at the deadline"


def test_a_duration_in_words_ignores_its_sign() -> None:
    assert clocks.format_duration(-timedelta(days=1, hours=2, minutes=5)) == "1 day 2 hours"
