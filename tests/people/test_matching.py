"""Tests for matching an incoming contact's subject to the children already on record."""

from __future__ import annotations

import math
import random
import string
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.demo.mess import variant_record
from mace.demo.names import pick_address, pick_person
from mace.people.identifiers import generate_nhs_number, generate_upn
from mace.people.keys import name_key
from mace.people.matching import (
    FIELDS,
    M_U_TABLE,
    PRIOR_WEIGHT,
    SAME_FAMILY_U,
    SAME_HOUSEHOLD_U,
    Comparison,
    Record,
    compare,
    decide,
    normalise,
    probability_from_weight,
)

MATCH_THRESHOLD = 0.995
NHS_A = "9434765919"
NHS_B = "9434765870"

CHILD = Record(
    given_names="Thomas James",
    family_name="Smith",
    date_of_birth=date(2012, 11, 3),
    sex="M",
    nhs_number=NHS_A,
    postcode="CW1 2AB",
)


def _level(comparison: Comparison, field: str) -> str:
    return comparison.evidence_for(field).level


# --------------------------------------------------------------------------------------------------
# Fixed examples
# --------------------------------------------------------------------------------------------------


def test_same_nhs_number_and_date_of_birth_is_matched() -> None:
    subject = Record(
        given_names="Tom", family_name="Smith", date_of_birth=date(2012, 11, 3), nhs_number=NHS_A
    )

    decision = decide(subject, [CHILD])

    assert decision.status == "matched"
    assert decision.best_index == 0
    assert decision.score >= MATCH_THRESHOLD


def test_different_nhs_numbers_with_same_names_and_date_of_birth_are_a_conflict_not_a_match() -> None:
    subject = replace(CHILD, nhs_number=NHS_B)

    decision = decide(subject, [CHILD])
    comparison = decision.comparisons[0][1]

    assert decision.status != "matched"
    assert comparison.conflicting_identifier
    assert comparison.evidence_for("nhs_number").outcome == "disagrees"
    assert comparison.evidence_for("nhs_number").weight < 0


def test_twins_with_different_given_names_are_not_matched() -> None:
    twin = replace(CHILD, given_names="Oliver George", nhs_number=None)
    brother = replace(CHILD, nhs_number=None)

    decision = decide(twin, [brother])

    assert decision.status != "matched"
    assert _level(decision.comparisons[0][1], "given_names") == "different"


def test_twins_with_similar_given_names_are_not_matched() -> None:
    twin = replace(CHILD, given_names="Jaydon", nhs_number=None)
    brother = replace(CHILD, given_names="Jayden", nhs_number=None)

    assert decide(twin, [brother]).status != "matched"


def test_boy_and_girl_twins_with_similar_names_are_not_matched() -> None:
    sister = replace(CHILD, given_names="Alexandra", sex="F", nhs_number=None)
    brother = replace(CHILD, given_names="Alexander", sex="M", nhs_number=None)

    assert decide(sister, [brother]).status != "matched"


def test_nickname_with_same_date_of_birth_and_postcode_is_at_least_reviewed_and_says_nickname() -> None:
    subject = Record(
        given_names="Tom", family_name="Smith", date_of_birth=date(2012, 11, 3), postcode="cw12ab"
    )
    candidate = replace(CHILD, given_names="Thomas")

    decision = decide(subject, [candidate])
    given_names = decision.comparisons[0][1].evidence_for("given_names")

    assert decision.status in ("matched", "needs_review")
    assert given_names.level == "nickname"
    assert given_names.outcome == "close"
    assert "nickname" in given_names.detail


def test_day_month_swap_is_noted_in_evidence() -> None:
    subject = replace(CHILD, date_of_birth=date(2012, 3, 11))

    evidence = compare(subject, CHILD).evidence_for("date_of_birth")

    assert evidence.level == "swapped"
    assert evidence.outcome == "close"
    assert evidence.weight > 0
    assert evidence.detail == "Date of birth agrees with day and month swapped (11/03 vs 03/11)"


def test_day_month_swap_can_still_be_matched() -> None:
    subject = replace(CHILD, date_of_birth=date(2012, 3, 11), nhs_number=None)

    assert decide(subject, [CHILD]).status == "matched"


def test_date_of_birth_one_day_out_is_close_but_never_auto_matched_without_nhs_number() -> None:
    subject = replace(CHILD, date_of_birth=date(2012, 11, 4), nhs_number=None)

    decision = decide(subject, [CHILD])

    assert _level(decision.comparisons[0][1], "date_of_birth") == "one_off"
    assert decision.status == "needs_review"


def test_date_of_birth_typo_is_matched_when_the_nhs_number_agrees() -> None:
    subject = replace(CHILD, date_of_birth=date(2013, 11, 3))

    decision = decide(subject, [CHILD])

    assert _level(decision.comparisons[0][1], "date_of_birth") == "one_off"
    assert decision.status == "matched"


def test_no_candidates_means_new() -> None:
    decision = decide(CHILD, [])

    assert decision.status == "new"
    assert decision.best_index is None
    assert decision.score == 0.0
    assert decision.comparisons == ()


def test_unrelated_candidates_mean_new() -> None:
    stranger = Record(given_names="Aisha", family_name="Begum", date_of_birth=date(2009, 5, 20), sex="F")

    decision = decide(CHILD, [stranger])

    assert decision.status == "new"
    assert decision.best_index == 0


def test_unidentifiable_subject_needs_review_even_with_no_candidates() -> None:
    subject = Record(given_names="Jayden", family_name="", postcode="CW1 2AB")

    assert decide(subject, []).status == "needs_review"


def test_unidentifiable_subject_needs_review_and_is_never_matched() -> None:
    subject = Record(given_names="Thomas", family_name="  ", sex="M", postcode="CW1 2AB")

    assert decide(subject, [CHILD]).status == "needs_review"


def test_a_close_runner_up_prevents_an_automatic_match() -> None:
    subject = replace(CHILD, nhs_number=None)
    duplicate = replace(CHILD, nhs_number=None, postcode="SK10 4QT")

    decision = decide(subject, [CHILD, duplicate])

    assert decision.comparisons[1][1].probability >= 0.30
    assert decision.status == "needs_review"


def test_comparisons_are_listed_best_first_with_candidate_indexes() -> None:
    stranger = Record(given_names="Aisha", family_name="Begum", date_of_birth=date(2009, 5, 20))

    decision = decide(CHILD, [stranger, CHILD])

    assert [index for index, _ in decision.comparisons] == [1, 0]
    assert decision.best_index == 1
    assert decision.status == "matched"


def test_a_shared_identifier_needs_review_even_when_nothing_else_agrees() -> None:
    stranger = Record(
        given_names="Aisha", family_name="Begum", date_of_birth=date(2009, 5, 20), nhs_number=NHS_A
    )

    decision = decide(CHILD, [stranger])

    assert decision.score < 0.30
    assert decision.status == "needs_review"


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="Thresholds"):
        decide(CHILD, [CHILD], match_threshold=0.2, review_threshold=0.5)


def test_lowering_the_match_threshold_does_not_bypass_a_conflicting_identifier() -> None:
    subject = replace(CHILD, nhs_number=NHS_B)

    assert decide(subject, [CHILD], match_threshold=0.5, review_threshold=0.1).status == "needs_review"


# --- field levels ---------------------------------------------------------------------------------


def test_half_of_a_double_barrelled_family_name_is_a_part_match() -> None:
    evidence = compare(CHILD, replace(CHILD, family_name="Smith-Khan")).evidence_for("family_name")

    assert evidence.level == "part"
    assert "double-barrelled" in evidence.detail


def test_misspelt_family_name_is_similar() -> None:
    comparison = compare(replace(CHILD, family_name="Thompson"), replace(CHILD, family_name="Thomson"))

    assert _level(comparison, "family_name") == "similar"


def test_family_name_matching_a_recorded_previous_name_is_an_alias_match() -> None:
    candidate = replace(CHILD, family_name="Jones", other_names=(("Thomas", "Smith"),))

    evidence = compare(CHILD, candidate).evidence_for("family_name")

    assert evidence.level == "alias"
    assert evidence.weight > 0


def test_given_names_are_compared_against_other_names_too() -> None:
    candidate = replace(CHILD, given_names="Tariq", other_names=(("Thomas", "Smith"),))

    # A match through a recorded other name is its own level.
    assert _level(compare(CHILD, candidate), "given_names") == "alias"


@pytest.mark.parametrize(("written", "recorded"), [("Mylo", "Milo"), ("Skott", "Scott"), ("Payge", "Paige")])
def test_misspelt_given_names_are_similar(written: str, recorded: str) -> None:
    subject = replace(CHILD, given_names=written)

    assert _level(compare(subject, replace(CHILD, given_names=recorded)), "given_names") == "similar"


def test_a_misspelt_nickname_is_similar_to_the_full_name() -> None:
    evidence = compare(replace(CHILD, given_names="Tomy"), replace(CHILD, given_names="Thomas")).evidence_for(
        "given_names"
    )

    assert evidence.level == "similar"
    assert "a form of Thomas" in evidence.detail


def test_a_shared_middle_name_alone_is_a_middle_name_overlap() -> None:
    subject = replace(CHILD, given_names="Oliver James")

    assert _level(compare(subject, CHILD), "given_names") == "middle"


def test_postcode_in_the_same_sector_is_close() -> None:
    evidence = compare(replace(CHILD, postcode="CW1 2XY"), CHILD).evidence_for("postcode")

    assert (evidence.level, evidence.outcome) == ("sector", "close")


def test_postcode_in_the_same_district_is_close() -> None:
    assert _level(compare(replace(CHILD, postcode="CW1 5XY"), CHILD), "postcode") == "district"


def test_sex_recorded_as_x_is_no_evidence() -> None:
    evidence = compare(replace(CHILD, sex="X"), CHILD).evidence_for("sex")

    assert (evidence.outcome, evidence.weight) == ("missing", 0.0)


def test_sex_disagreeing_is_weak_evidence_against() -> None:
    evidence = compare(replace(CHILD, sex="F"), CHILD).evidence_for("sex")

    assert evidence.outcome == "disagrees"
    assert -5 < evidence.weight < 0


def test_every_field_has_exactly_one_item_of_evidence() -> None:
    fields = [item.field for item in compare(CHILD, Record(given_names="", family_name="")).evidence]

    assert tuple(fields) == FIELDS


def test_missing_fields_weigh_nothing() -> None:
    comparison = compare(CHILD, Record(given_names="", family_name=""))

    assert all(item.outcome == "missing" and item.weight == 0.0 for item in comparison.evidence)
    assert comparison.weight == pytest.approx(PRIOR_WEIGHT)


# --- normalise ------------------------------------------------------------------------------------


def test_normalise_tidies_identifiers_and_names() -> None:
    record = Record(
        given_names="  Thomas   James ",
        family_name=" Smith ",
        sex="f",
        nhs_number="943 476-5919",
        upn="b801200005001",
        police_id=" ch-2024-0123456 ",
        la_child_id=" la 123 ",
        postcode="cw12ab",
        other_names=(("", ""), (" Tom ", "Smith")),
    )

    tidy = normalise(record)

    assert (tidy.given_names, tidy.family_name, tidy.sex) == ("Thomas James", "Smith", "F")
    assert (tidy.nhs_number, tidy.upn, tidy.police_id) == ("9434765919", "B801200005001", "CH-2024-0123456")
    assert (tidy.la_child_id, tidy.postcode, tidy.other_names) == ("LA123", "CW1 2AB", (("Tom", "Smith"),))


def test_normalise_drops_identifiers_that_fail_their_check_digit() -> None:
    tidy = normalise(Record(given_names="A", family_name="B", nhs_number="9434765918", upn="A801200005001"))

    assert (tidy.nhs_number, tidy.upn) == (None, None)


def test_normalise_keeps_an_outward_code_alone_and_drops_nonsense_postcodes() -> None:
    assert normalise(Record("A", "B", postcode="cw1")).postcode == "CW1"
    assert normalise(Record("A", "B", postcode="no fixed abode")).postcode is None


def test_normalise_accepts_other_names_given_as_a_list() -> None:
    record = Record("A", "B", other_names=[("C", "D")])  # type: ignore[arg-type]

    assert normalise(record).other_names == (("C", "D"),)


# --- the m/u table --------------------------------------------------------------------------------


def test_every_m_and_u_is_a_probability() -> None:
    for levels in M_U_TABLE.values():
        for row in levels.values():
            assert 0 < row.m <= 1
            assert 0 < row.u <= 1
    for u in (*SAME_FAMILY_U.values(), *SAME_HOUSEHOLD_U.values()):
        assert 0 < u <= 1


def test_agreement_weighs_for_and_disagreement_against() -> None:
    for field, levels in M_U_TABLE.items():
        top = "agrees" if field == "sex" else "exact"
        bottom = "disagrees" if field == "sex" else "different"
        assert levels[top].weight > 0, field
        assert levels[bottom].weight < 0, field


def test_probability_from_weight_is_safe_for_extreme_weights() -> None:
    assert probability_from_weight(0.0) == 0.5
    assert probability_from_weight(5000.0) == 1.0
    assert 0.0 <= probability_from_weight(-5000.0) < 1e-300


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

_NAME_POOL = [
    "Thomas",
    "Tom",
    "Tommy",
    "Milo",
    "Mylo",
    "Ella",
    "Ellie",
    "Smith",
    "Smyth",
    "Smith-Khan",
    "Khan",
    "O'Brien",
    "Zoë",
    "Anna-Marie",
    "Mohammed",
    "Mo",
    "James",
]
_NHS_POOL = [NHS_A, NHS_B, "943 476 5919", "9434765918"]
_DATE_POOL = [date(2012, 11, 3), date(2012, 3, 11), date(2012, 11, 4), date(2013, 11, 3), date(2012, 6, 30)]

words = st.sampled_from(_NAME_POOL) | st.text(alphabet=string.ascii_letters, min_size=1, max_size=10)
given_names = st.lists(words, max_size=3).map(" ".join)
family_names = st.sampled_from(["", *_NAME_POOL]) | st.tuples(words, words).map("-".join)
dates = st.none() | st.sampled_from(_DATE_POOL) | st.dates(date(2000, 1, 1), date(2024, 12, 31))
nhs_numbers = st.none() | st.sampled_from(_NHS_POOL)
postcodes = st.none() | st.sampled_from(
    ["CW1 2AB", "cw12ab", "CW1 2XY", "CW1 5AB", "SK10 4QT", "CW1", "nowhere"]
)
upns = st.none() | st.sampled_from([generate_upn(random.Random(seed)) for seed in range(2)])
police_ids = st.none() | st.sampled_from(["CH-2024-0123456", "CH-2023-7654321", "MP 99/1234"])
la_ids = st.none() | st.sampled_from(["LA1", "la 1", "LA2"])
other_names = st.lists(st.tuples(given_names, family_names), max_size=2).map(tuple)


def _records(
    given: st.SearchStrategy[str] = given_names,
    family: st.SearchStrategy[str] = family_names,
    born: st.SearchStrategy[date | None] = dates,
) -> st.SearchStrategy[Record]:
    return st.builds(
        Record,
        given_names=given,
        family_name=family,
        date_of_birth=born,
        sex=st.sampled_from([None, "F", "M", "X"]),
        nhs_number=nhs_numbers,
        police_id=police_ids,
        la_child_id=la_ids,
        upn=upns,
        postcode=postcodes,
        other_names=other_names,
    )


records = _records()
named_records = _records(
    given=st.lists(words, min_size=1, max_size=3).map(" ".join),
    family=words,
    born=st.sampled_from(_DATE_POOL) | st.dates(date(2000, 1, 1), date(2024, 12, 31)),
)


@given(records, records)
def test_compare_is_symmetric_in_probability(a: Record, b: Record) -> None:
    assert abs(compare(a, b).probability - compare(b, a).probability) <= 1e-9
    assert compare(a, b).conflicting_identifier == compare(b, a).conflicting_identifier


@given(named_records)
def test_a_record_with_names_and_date_of_birth_compared_with_itself_reaches_the_match_threshold(
    record: Record,
) -> None:
    assert compare(record, record).probability >= MATCH_THRESHOLD


@given(records, records, st.sampled_from([NHS_A, NHS_B]))
def test_adding_an_agreeing_nhs_number_never_lowers_the_probability(a: Record, b: Record, nhs: str) -> None:
    without = compare(a, b).probability
    with_nhs = compare(replace(a, nhs_number=nhs), replace(b, nhs_number=nhs)).probability

    assert with_nhs >= without


@given(records, records)
def test_evidence_weights_plus_prior_equal_the_total_weight(a: Record, b: Record) -> None:
    comparison = compare(a, b)

    total = PRIOR_WEIGHT + sum(item.weight for item in comparison.evidence)

    assert math.isclose(total, comparison.weight, abs_tol=1e-9)
    assert math.isclose(comparison.probability, probability_from_weight(comparison.weight))


@given(records, st.lists(records, max_size=4))
def test_a_match_is_never_made_against_a_conflicting_identifier(
    subject: Record, candidates: list[Record]
) -> None:
    decision = decide(subject, candidates)

    if decision.status == "matched":
        assert decision.best_index is not None
        assert not decision.comparisons[0][1].conflicting_identifier


# --------------------------------------------------------------------------------------------------
# Precision and recall on synthetic children
# --------------------------------------------------------------------------------------------------

_EARLIEST = date(2008, 1, 1)
_DAYS = (date(2020, 12, 31) - _EARLIEST).days


def _synthetic_child(rng: random.Random, used_nhs: set[str]) -> Record:
    person = pick_person(rng)
    nhs: str | None = None
    if rng.random() < 0.9:
        nhs = generate_nhs_number(rng)
        while nhs in used_nhs:  # NHS numbers are unique to a person
            nhs = generate_nhs_number(rng)
        used_nhs.add(nhs)
    return Record(
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=_EARLIEST + timedelta(days=rng.randrange(_DAYS + 1)),
        sex=person.sex,
        nhs_number=nhs,
        postcode=pick_address(rng).postcode,
    )


def _messy_variant(rng: random.Random, child: Record) -> Record:
    variant = variant_record(
        rng,
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        nhs_number=child.nhs_number,
        postcode=child.postcode,
    )
    return Record(
        given_names=variant["given_names"],
        family_name=variant["family_name"],
        date_of_birth=variant["date_of_birth"],
        sex=variant["sex"],
        nhs_number=variant["nhs_number"],
        postcode=variant["postcode"],
    )


@dataclass
class _Tally:
    matched: int = 0
    matched_correctly: int = 0
    variants: int = 0
    variants_matched: int = 0
    variants_reviewed: int = 0
    new_children: int = 0
    new_children_matched: int = 0


def test_precision_and_recall_on_messy_synthetic_children() -> None:
    rng = random.Random(20_240_601)
    used_nhs: set[str] = set()
    population = [_synthetic_child(rng, used_nhs) for _ in range(2_000)]

    by_prefix: dict[str, list[int]] = defaultdict(list)
    by_dob: dict[date | None, list[int]] = defaultdict(list)
    by_nhs: dict[str | None, list[int]] = defaultdict(list)
    for index, child in enumerate(population):
        by_prefix[name_key(child.family_name)[:3]].append(index)
        by_dob[child.date_of_birth].append(index)
        by_nhs[child.nhs_number].append(index)

    subjects: list[tuple[Record, int | None]] = []
    for _ in range(2_000):
        source = rng.randrange(len(population))
        subjects.append((_messy_variant(rng, population[source]), source))
    for _ in range(500):
        subjects.append((_messy_variant(rng, _synthetic_child(rng, used_nhs)), None))

    tally = _Tally()
    for subject, truth in subjects:
        tidy = normalise(subject)
        blocked = set(by_prefix.get(name_key(tidy.family_name)[:3], []))
        blocked.update(by_dob.get(tidy.date_of_birth, []))
        if tidy.nhs_number:
            blocked.update(by_nhs.get(tidy.nhs_number, []))
        indexes = sorted(blocked)
        decision = decide(subject, [population[i] for i in indexes])
        chosen = indexes[decision.best_index] if decision.best_index is not None else None

        if decision.status == "matched":
            tally.matched += 1
            tally.matched_correctly += chosen == truth
        if truth is None:
            tally.new_children += 1
            tally.new_children_matched += decision.status == "matched"
        else:
            tally.variants += 1
            tally.variants_matched += decision.status == "matched" and chosen == truth
            tally.variants_reviewed += decision.status == "needs_review"

    precision = tally.matched_correctly / tally.matched
    auto_recall = tally.variants_matched / tally.variants
    found_recall = (tally.variants_matched + tally.variants_reviewed) / tally.variants
    print(
        f"\nmatched decisions: {tally.matched}, correct: {tally.matched_correctly}, precision {precision:.4f}"
        f"\ntrue variants: {tally.variants}, auto-matched {auto_recall:.1%}, "
        f"needs review {tally.variants_reviewed / tally.variants:.1%}, matched or review {found_recall:.1%}"
        f"\nnew children: {tally.new_children}, wrongly matched: {tally.new_children_matched}"
    )
    assert precision >= 0.995
    assert auto_recall >= 0.60
    assert found_recall >= 0.90
