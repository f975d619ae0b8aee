"""Each scorecard figure reproduced by hand from records made one by one (November 2026)."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import timedelta

from mace.frontdoor.models import Contact
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.oversight import sources
from mace.oversight.sources import Figure, Scope
from mace.people.models import Flag
from mace.screening.models import Level

from .conftest import NOVEMBER, NOW, Records, at


def figure(records: Records, name: str, **params: object) -> Figure:
    return sources.compute(name, Scope((records.partnership.pk,), NOVEMBER, now=NOW), params)


def test_a_child_is_at_risk_with_an_open_flag_or_a_screening_in_the_year_before_the_period_ends(
    records: Records,
) -> None:
    flagged, screened, old, cleared, removed = (records.child() for _ in range(5))
    records.flag(flagged, set_at=at(3, month=6))
    records.screening(screened, judgement=Level.MEDIUM, completed_at=at(10))
    records.screening(old, judgement=Level.HIGH, completed_at=at(10, month=11) - timedelta(days=400))
    records.screening(cleared, judgement=Level.HIGH, completed_at=at(1))
    records.screening(cleared, judgement=Level.NONE, completed_at=at(20))  # the latest says no concerns
    records.flag(removed, set_at=at(1, month=3), removed_at=at(15))
    assert figure(records, "at_risk").numerator == 2
    assert figure(records, "at_risk", level="medium").numerator == 1
    assert figure(records, "at_risk", level="not_screened").numerator == 1


def test_a_screening_after_the_period_ends_does_not_count_for_it(records: Records) -> None:
    records.screening(records.child(), judgement=Level.HIGH, completed_at=at(1, month=12))
    assert figure(records, "at_risk").numerator == 0


def test_the_model_of_exploitation_comes_from_flags_indicators_and_contacts(records: Records) -> None:
    cse, both, lines, online = (records.child() for _ in range(4))
    records.flag(cse, Flag.Kind.CSE, set_at=at(1))
    records.flag(both, Flag.Kind.CSE, set_at=at(1))
    records.flag(both, Flag.Kind.CCE, set_at=at(1))
    records.screening(lines, judgement=Level.HIGH, completed_at=at(5), answers={"cce_county_lines": "x"})
    records.screening(online, judgement=Level.LOW, completed_at=at(5), answers={"v_school": "x"})
    records.contact(online, received_at=at(2), concerns=["online_contact"])
    assert figure(records, "at_risk", model="cse").numerator == 2  # cse, and online (a form of CSE)
    assert figure(records, "at_risk", model="both").numerator == 1
    assert figure(records, "at_risk", model="cce").numerator == 1
    assert figure(records, "at_risk", model="county_lines").numerator == 1
    assert figure(records, "at_risk", model="online").numerator == 1


def test_the_share_judged_high_counts_only_children_first_screened_in_the_period(records: Records) -> None:
    new_high, new_low, known = (records.child() for _ in range(3))
    records.screening(new_high, judgement=Level.HIGH, completed_at=at(4))
    records.screening(new_low, judgement=Level.LOW, completed_at=at(4))
    records.screening(known, judgement=Level.LOW, completed_at=at(4, month=9))
    records.screening(known, judgement=Level.HIGH, completed_at=at(6))
    f = figure(records, "first_screening_high")
    assert (f.numerator, f.denominator) == (1, 2)
    assert figure(records, "screenings_completed").numerator == 4 - 1  # three in November


def test_a_re_referral_is_a_referral_within_12_months_of_the_childs_last(records: Records) -> None:
    again, first, long_ago = (records.child() for _ in range(3))
    records.contact(again, received_at=at(1, month=5), decision=Contact.Decision.REFERRAL)
    records.contact(again, received_at=at(9), decision=Contact.Decision.REFERRAL)
    records.contact(first, received_at=at(9), decision=Contact.Decision.REFERRAL)
    records.contact(long_ago, received_at=at(9) - timedelta(days=400), decision=Contact.Decision.REFERRAL)
    records.contact(long_ago, received_at=at(9), decision=Contact.Decision.REFERRAL)
    records.contact(first, received_at=at(10), decision=Contact.Decision.ADVICE)  # not a referral
    f = figure(records, "re_referrals")
    assert (f.numerator, f.denominator) == (1, 3)


def test_contacts_about_exploitation_are_screenings_or_name_an_exploitation_concern(records: Records) -> None:
    child = records.child()
    records.contact(child, received_at=at(3), kind=Contact.Kind.SCREENING)
    records.contact(child, received_at=at(3), concerns=["county_lines"])
    records.contact(child, received_at=at(3), concerns=["domestic_abuse"])
    assert figure(records, "exploitation_contacts").numerator == 2


def test_missing_and_absent_are_kept_apart_and_repeat_missing_needs_three_episodes(records: Records) -> None:
    often, once, absent = (records.child() for _ in range(3))
    for day in (2, 9, 16):
        records.episode(often, last_seen_at=at(day))
    records.episode(once, last_seen_at=at(5), setting=MissingEpisode.Setting.CARE)
    records.episode(absent, last_seen_at=at(5), category=MissingEpisode.Category.ABSENT)
    records.episode(None, last_seen_at=at(6))  # not yet identified: an episode, not a child
    records.episode(once, last_seen_at=at(31, month=10))  # October
    assert figure(records, "missing_children", category="missing").numerator == 2
    assert figure(records, "missing_children", category="missing", setting="care").numerator == 1
    assert figure(records, "missing_children", category="absent").numerator == 1
    assert figure(records, "missing_episodes", category="missing").numerator == 5
    assert figure(records, "repeat_missing", min_episodes=3, category="missing").numerator == 1


def test_return_interviews_count_against_the_72_hours_from_the_return(records: Records) -> None:
    child = records.child()
    returns = [records.episode(child, last_seen_at=at(d), returned_at=at(d + 1)) for d in (2, 6, 10, 14)]
    records.interview(returns[0], offered_at=at(3, 15), completed_at=at(4))
    records.interview(returns[1], offered_at=at(11), completed_at=at(12))  # both late
    records.interview(returns[2], offered_at=at(12), response=ReturnInterview.Response.DECLINED)
    records.interview(returns[3])
    for outcome, expected in (("offered_72h", 2), ("completed", 2), ("completed_72h", 1), ("declined", 1)):
        f = figure(records, "return_interviews", outcome=outcome)
        assert (outcome, f.numerator, f.denominator) == (outcome, expected, 4)


def test_a_contact_counts_against_24_hours_only_once_reviewed_or_late(records: Records) -> None:
    child = records.child()
    records.contact(child, received_at=at(3), approved_at=at(3, 20))  # on time
    records.contact(child, received_at=at(3), approved_at=at(5))  # late
    records.contact(child, received_at=at(4))  # never reviewed: late
    records.contact(child, received_at=at(30, 9), approved_at=None)  # 24 hours run out on 1 December
    f = figure(records, "contacts_reviewed_on_time")
    assert (f.numerator, f.denominator) == (1, 4)


def test_a_strategy_meeting_is_in_time_by_the_end_of_the_next_working_day(records: Records) -> None:
    child = records.child()
    # Friday 6 November: in time until the end of Monday 9 November.
    friday = records.episode(child, last_seen_at=at(4, 12))
    records.strategy(friday, held_at=at(9, 16))
    late = records.episode(child, last_seen_at=at(10))
    records.strategy(late, held_at=at(16))
    never = records.episode(child, last_seen_at=at(17))
    records.strategy(never, held_at=None)
    f = figure(records, "strategy_held_in_time", within_working_days=1)
    assert (f.numerator, f.denominator) == (1, 3)


def test_an_empty_period_has_no_percentage_rather_than_zero(records: Records) -> None:
    f = figure(records, "contacts_reviewed_on_time")
    assert (f.numerator, f.denominator, f.value) == (0, 0, None)
