"""The scorecard's health-wait measures (action 3.4) and children found outside the area (issue 11),
each reproduced by hand from records made one by one (November 2026), with their RAG rule, the disclosure
of small numbers and the pan-area figure."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mace.accounts.models import Role
from mace.health.models import AssessmentWait
from mace.oversight import profile, scorecard, sources
from mace.oversight.sources import Figure, Scope
from mace.people.models import Person

from ..factories import PartnershipFactory, UserFactory
from .conftest import NOVEMBER, NOW, Records, at

LAST_DAY = date(2026, 11, 30)


def figure(records: Records, name: str, **params: object) -> Figure:
    return sources.compute(name, Scope((records.partnership.pk,), NOVEMBER, now=NOW), params)


def wait(
    records: Records,
    person: Person,
    referred_on: date,
    *,
    assessed_on: date | None = None,
    fast_track: bool = False,
    kind: str = "adhd",
) -> AssessmentWait:
    return AssessmentWait.objects.create(
        partnership=records.partnership,
        person=person,
        kind=kind,
        referred_on=referred_on,
        fast_track=fast_track,
        assessed_on=assessed_on,
        outcome="diagnosed" if assessed_on else "",
        recorded_by_label="test",
        recorded_at=NOW,
    )


def at_risk(records: Records) -> Person:
    child = records.child()
    records.flag(child, set_at=at(1, month=1))
    return child


@pytest.fixture
def executive() -> Any:
    return UserFactory(roles=[Role.EXECUTIVE])


def test_children_at_risk_waiting_on_the_last_day_are_counted_once_each(records: Records) -> None:
    waiting, both, assessed_late, assessed, later = (at_risk(records) for _ in range(5))
    wait(records, waiting, date(2026, 5, 1))
    wait(records, both, date(2026, 2, 1), kind="autism")
    wait(records, both, date(2026, 6, 1), kind="adhd")  # one child, two referrals: counted once
    wait(records, assessed_late, date(2026, 4, 1), assessed_on=date(2026, 12, 1))  # still waiting on 30 Nov
    wait(records, assessed, date(2026, 4, 1), assessed_on=LAST_DAY)  # assessed on the last day: not waiting
    wait(records, later, date(2026, 12, 1))  # referred after the period
    wait(records, records.child(), date(2026, 1, 1))  # not at risk
    f = figure(records, "assessment_waiting")
    assert (f.numerator, f.denominator) == (3, None)


def test_the_median_and_longest_waits_are_in_whole_weeks_to_the_last_day(records: Records) -> None:
    # Waits on 30 November 2026: 52 weeks (1 Dec 2025), 31 weeks (27 Apr), 12 weeks (1 Sep), 4 weeks (1 Nov).
    for referred in (date(2025, 12, 1), date(2026, 4, 27), date(2026, 9, 1), date(2026, 11, 1)):
        wait(records, at_risk(records), referred)
    both = at_risk(records)  # waiting for both: counted once, at the longer wait (31 weeks)
    wait(records, both, date(2026, 4, 27), kind="autism")
    wait(records, both, date(2026, 11, 1), kind="adhd")
    median = figure(records, "assessment_wait_weeks", statistic="median")
    longest = figure(records, "assessment_wait_weeks", statistic="longest")
    assert (median.numerator, median.denominator) == (31, 5)  # 4, 12, 31, 31, 52
    assert (longest.numerator, longest.denominator) == (52, 5)


def test_an_even_number_of_children_takes_the_lower_middle_wait(records: Records) -> None:
    for referred in (date(2026, 11, 1), date(2026, 9, 1)):  # 4 and 12 weeks
        wait(records, at_risk(records), referred)
    assert figure(records, "assessment_wait_weeks", statistic="median").numerator == 4


def test_the_fast_tracked_share_is_of_the_children_at_risk_waiting(records: Records) -> None:
    wait(records, at_risk(records), date(2026, 10, 1), fast_track=True)
    wait(records, at_risk(records), date(2026, 10, 1))
    wait(records, at_risk(records), date(2026, 10, 1))
    wait(records, at_risk(records), date(2026, 3, 1), fast_track=True, assessed_on=date(2026, 6, 1))
    f = figure(records, "assessment_fast_tracked")
    assert (f.numerator, f.denominator) == (1, 3)


def test_the_wait_is_shown_in_weeks_red_beyond_18_and_green_within_13(records: Records) -> None:
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    for referred in (
        date(2026, 3, 2),
        date(2026, 4, 1),
        date(2026, 5, 1),
        date(2026, 6, 1),
        date(2026, 7, 1),
    ):
        wait(records, at_risk(records), referred)
    row = scorecard.build(manager, NOVEMBER, codes=["assessment_wait_median"]).rows[0]
    assert row.current.text == "30 weeks (5 waiting)"  # 39, 34, 30, 26, 21: 1 May to 30 Nov is 213 days
    assert row.current.value == 30.0
    assert row.rag.colour == "red"
    assert row.rag.rule == "Green at 13 weeks or fewer; amber up to 18 weeks; red above 18 weeks"


def test_nobody_waiting_says_so_and_has_no_colour(records: Records, executive: Any) -> None:
    row = scorecard.build(executive, NOVEMBER, codes=["assessment_wait_longest"]).rows[0]
    assert row.current.text == "Nobody waiting" and row.rag.colour == ""


def test_a_wait_over_fewer_than_5_children_is_withheld_from_an_executive(
    records: Records, executive: Any
) -> None:
    wait(records, at_risk(records), date(2025, 10, 1))  # 425 days
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    assert scorecard.build(manager, NOVEMBER, codes=["assessment_wait_longest"]).rows[0].current.text == (
        "60 weeks (1 waiting)"
    )
    row = scorecard.build(executive, NOVEMBER, codes=["assessment_wait_longest"]).rows[0]
    assert row.current.text == "fewer than 5 children waiting" and row.current.value is None
    assert row.rag.colour == "red"  # whether it is red is what leaders need to know


def test_the_pan_area_median_is_counted_afresh_not_added_up(records: Records) -> None:
    other = Records(PartnershipFactory(code="westshire", name="Westshire Safeguarding Children Partnership"))
    for referred in (date(2026, 11, 1), date(2026, 9, 1), date(2026, 4, 27)):  # 4, 12, 31 weeks
        wait(records, at_risk(records), referred)
    for referred in (date(2025, 12, 1), date(2026, 5, 4)):  # 52, 30 weeks
        wait(other, at_risk(other), referred)
    scrutineer = UserFactory(roles=[Role.SCRUTINEER])
    card = scorecard.build(scrutineer, NOVEMBER, codes=["assessment_wait_median", "assessment_waiting"])
    median, waiting = card.row("assessment_wait_median"), card.row("assessment_waiting")
    assert median.current.figure is not None and waiting.current.figure is not None
    assert (median.current.figure.numerator, median.current.figure.denominator) == (
        30,
        5,
    )  # 4 12 30 31 52; their medians add to 42
    assert waiting.current.figure.numerator == 5  # a count still adds up


def test_the_profile_counts_children_at_risk_waiting_as_a_gap(records: Records) -> None:
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    wait(records, at_risk(records), date(2026, 5, 1))
    wait(records, at_risk(records), date(2026, 5, 1), assessed_on=date(2026, 10, 1))
    gaps = {g.code: g for g in profile.build(manager, NOVEMBER).gaps}
    assert gaps["autism-adhd"].count == 1
    assert "referred for an autism or ADHD assessment" in gaps["autism-adhd"].note


# Found outside the area ----------------------------------------------------------------------------------


def test_children_and_episodes_found_outside_the_area_are_counted_from_the_return(records: Records) -> None:
    twice, once, inside = records.child(), records.child(), records.child()
    for child, outside, returned in [
        (twice, True, at(3)),
        (twice, True, at(12)),
        (once, True, at(20)),
        (inside, False, at(20)),
        (once, True, at(5, month=10)),  # returned in October: not November's
        (None, True, at(25)),  # not identified: an episode, not a child
        (inside, None, at(26)),  # not recorded
    ]:
        e = records.episode(child, last_seen_at=returned - (at(2) - at(1)), returned_at=returned)
        e.found_outside_area = outside
        e.save(update_fields=["found_outside_area"])
    children = figure(records, "found_outside_children")
    episodes = figure(records, "found_outside_episodes")
    assert (children.numerator, children.denominator) == (2, None)
    assert (episodes.numerator, episodes.denominator) == (4, None)
