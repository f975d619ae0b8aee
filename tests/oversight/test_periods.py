"""Periods leaders read figures for: months, quarters and rolling years, in London time."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.oversight.periods import Period, PeriodError, add_months, latest_complete, trend

TODAY = date(2026, 12, 2)


def test_a_quarter_is_named_by_its_first_month_and_reads_as_its_months() -> None:
    period = Period.parse("quarter:2026-07", today=TODAY)
    assert (period.start, period.end) == (date(2026, 7, 1), date(2026, 10, 1))
    assert period.label == "July to September 2026"


def test_twelve_months_are_named_by_their_last_month() -> None:
    period = Period.parse("year:2026-11", today=TODAY)
    assert (period.start, period.end) == (date(2025, 12, 1), date(2026, 12, 1))
    assert period.label == "12 months to November 2026"


def test_a_period_that_has_not_ended_is_refused_with_its_reason() -> None:
    with pytest.raises(PeriodError, match="December 2026 has not ended yet"):
        Period.parse("month:2026-12", today=TODAY)


@pytest.mark.parametrize(
    "text", ["", "month", "month:2026", "week:2026-01", "month:2026-13", "quarter:2026-02"]
)
def test_a_malformed_period_is_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text, today=TODAY)


def test_a_month_starts_at_midnight_in_london_summer_time() -> None:
    start, end = Period.parse("month:2026-07", today=TODAY).bounds()
    assert start == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 7, 31, 23, 0, tzinfo=UTC)


def test_the_latest_complete_quarter_on_2_december_is_july_to_september() -> None:
    assert latest_complete("quarter", today=TODAY).key == "quarter:2026-07"
    assert latest_complete("month", today=TODAY).key == "month:2026-11"


def test_a_quarterly_trend_steps_a_quarter_at_a_time() -> None:
    labels = [p.key for p in trend(Period.parse("quarter:2026-07", today=TODAY), 3)]
    assert labels == ["quarter:2026-01", "quarter:2026-04", "quarter:2026-07"]


@given(st.sampled_from(["month", "quarter", "year"]), st.dates(date(2001, 1, 1), date(2090, 12, 1)))
def test_a_period_parses_back_from_its_key_and_its_previous_period_ends_where_it_starts(
    kind: str, day: date
) -> None:
    period = Period.ending(kind, day)
    assert Period.parse(period.key, today=date(2100, 1, 1)) == period
    assert period.previous.end == period.start
    assert period.year_ago == Period.ending(kind, add_months(period.last_month, -12))
    assert len(period.months()) == {"month": 1, "quarter": 3, "year": 12}[kind]
