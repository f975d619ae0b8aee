"""The RAG rules, property-tested: green is the owner's "completed" and nothing else; red is delayed (past
due and not complete) or the owner's "at risk"; amber is in progress and on track. Every judgement gives
its reason; a green with no evidence and a red with no update for a month are flagged."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.core.clocks import add_calendar_months
from mace.improvement import rag

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
colours = st.sampled_from(rag.COLOURS)


@given(owner=colours, due=st.none() | days, today=days, last=st.none() | days, evidence=st.integers(0, 3))
def test_the_colour_follows_the_plans_definitions(
    owner: str, due: date | None, today: date, last: date | None, evidence: int
) -> None:
    j = rag.judge(owner_rag=owner, due=due, today=today, last_update=last, evidence=evidence)
    past_due = due is not None and due < today
    assert (j.colour == rag.GREEN) is (owner == rag.GREEN)
    if owner != rag.GREEN:
        assert (j.colour == rag.RED) is (past_due or owner == rag.RED)
    assert (j.colour == rag.AMBER) is (owner == rag.AMBER and not past_due)
    assert j.reason


@given(owner=colours, due=st.none() | days, today=days, last=st.none() | days, evidence=st.integers(0, 3))
def test_flags(owner: str, due: date | None, today: date, last: date | None, evidence: int) -> None:
    j = rag.judge(owner_rag=owner, due=due, today=today, last_update=last, evidence=evidence)
    no_evidence = any(f.startswith("Green with no evidence") for f in j.flags)
    quiet = any(f.startswith("Red with no update for a month") for f in j.flags)
    assert no_evidence is (j.colour == rag.GREEN and evidence == 0)
    stale = last is None or last <= add_calendar_months(today, -1)
    assert quiet is (j.colour == rag.RED and stale)


def test_past_due_and_not_complete_is_red_even_when_the_owner_says_amber() -> None:
    j = rag.judge(
        owner_rag=rag.AMBER,
        due=date(2022, 7, 13),
        today=date(2022, 12, 14),
        last_update=date(2022, 12, 14),
        evidence=0,
    )
    assert j.colour == rag.RED
    assert j.reason == "Delayed: it was due by 13 July 2022 and is not complete (the owner still says amber)"
    assert j.flags == ()


def test_due_today_is_still_on_track() -> None:
    j = rag.judge(
        owner_rag=rag.AMBER, due=date(2023, 1, 31), today=date(2023, 1, 31), last_update=None, evidence=0
    )
    assert j.colour == rag.AMBER and j.reason == "In progress and on track: due by 31 January 2023"


def test_a_red_updated_within_the_month_is_not_flagged_and_one_a_month_old_is() -> None:
    today = date(2023, 3, 31)
    fresh = rag.judge(owner_rag=rag.RED, due=None, today=today, last_update=date(2023, 3, 1), evidence=0)
    stale = rag.judge(owner_rag=rag.RED, due=None, today=today, last_update=date(2023, 2, 28), evidence=0)
    assert fresh.flags == ()
    assert stale.flags == ("Red with no update for a month: none since 28 February 2023",)


def test_green_with_no_evidence_is_flagged() -> None:
    j = rag.judge(
        owner_rag=rag.GREEN, due=date(2022, 12, 1), today=date(2023, 1, 3), last_update=None, evidence=0
    )
    assert j.colour == rag.GREEN and j.flags[0].startswith("Green with no evidence")
    assert (
        rag.judge(
            owner_rag=rag.GREEN, due=date(2022, 12, 1), today=date(2023, 1, 3), last_update=None, evidence=1
        ).flags
        == ()
    )


def test_an_unknown_owner_rag_is_refused() -> None:
    with pytest.raises(ValueError, match="owner's RAG"):
        rag.judge(owner_rag="purple", due=None, today=date(2023, 1, 3), last_update=None, evidence=0)


@given(d=days, n=st.integers(-36, 36))
def test_calendar_months_keep_the_day_or_the_months_last(d: date, n: int) -> None:
    moved = add_calendar_months(d, n)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == n
    assert moved.day == d.day or (moved.day < d.day and (moved + timedelta(days=1)).day == 1)
