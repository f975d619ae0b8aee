"""The tool definition parser and the scoring rule: pure, property-tested."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.screening import tool

SHIPPED, RAW = tool.shipped_tools()[0]
CODES = sorted(SHIPPED.indicators)


def test_the_shipped_tool_covers_sexual_and_criminal_exploitation_including_county_lines() -> None:
    titles = [s.title for s in SHIPPED.sections]
    assert "Child sexual exploitation" in titles
    assert any("county lines" in t for t in titles)
    assert all(i.guidance for i in SHIPPED.indicators.values())
    assert SHIPPED.sources


def test_every_problem_in_a_definition_is_named_at_once() -> None:
    broken = copy.deepcopy(RAW)
    broken["sections"][0]["indicators"][0]["weight"] = 0
    broken["sections"][0]["indicators"][1]["code"] = broken["sections"][0]["indicators"][0]["code"]
    broken["thresholds"] = {"low": 5, "medium": 3, "high": 9}
    with pytest.raises(tool.ToolError) as raised:
        tool.parse_tool(broken)
    text = " | ".join(raised.value.problems)
    assert "weight" in text and "used twice" in text and "rise" in text


@given(
    st.one_of(
        st.none(), st.integers(), st.text(), st.lists(st.integers()), st.dictionaries(st.text(), st.text())
    )
)
def test_anything_that_is_not_a_tool_is_refused_cleanly(data: Any) -> None:
    with pytest.raises(tool.ToolError):
        tool.parse_tool(data)


@given(st.sets(st.sampled_from(CODES)), st.sampled_from(CODES))
def test_ticking_another_indicator_never_lowers_the_score_or_level(ticked: set[str], extra: str) -> None:
    before = tool.score(SHIPPED, ticked)
    after = tool.score(SHIPPED, ticked | {extra})
    assert after.score >= before.score and after.level >= before.level


@given(st.sets(st.sampled_from(CODES)))
def test_the_level_is_the_highest_threshold_the_score_reaches(ticked: set[str]) -> None:
    result = tool.score(SHIPPED, ticked)
    assert result.score == sum(SHIPPED.indicators[c].weight for c in ticked)
    reached = [level for level, floor in SHIPPED.thresholds.items() if result.score >= floor]
    assert result.level == max(reached, default=tool.NONE)
    assert set(result.high_harm) == {c for c in ticked if SHIPPED.indicators[c].high_harm}


@given(st.integers(0, 3), st.integers(0, 3), st.booleans())
def test_agreement_is_needed_exactly_when_the_judgement_is_more_optimistic(
    level: int, judgement: int, high_harm: bool
) -> None:
    needed = tool.needs_agreement(level=level, judgement=judgement, high_harm=high_harm)
    assert needed == (judgement < level or (high_harm and judgement <= tool.LOW))
    if high_harm and judgement <= tool.LOW:
        assert needed  # high harm is never closed as low risk without a manager


def test_unknown_indicator_codes_do_not_score() -> None:
    assert tool.score(SHIPPED, {"not_an_indicator"}).score == 0
