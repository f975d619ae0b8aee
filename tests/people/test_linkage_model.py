"""The learned linkage model, the comparison levels added with it, and twins kept apart."""

from __future__ import annotations

import json
import random
import string
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mace.demo.linkage import labelled_set
from mace.people import training
from mace.people.identifiers import generate_nhs_number
from mace.people.keys import name_key
from mace.people.matching import (
    DEFAULT_MODEL_PATH,
    STATED_MODEL,
    Record,
    compare,
    decide,
    default_model,
    load_model,
    model_from_dict,
    model_to_dict,
    score_pairs,
)

# One worker builds the module's training set once (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("linkage_model")

CHILD = Record(
    given_names="Oliver James",
    family_name="Wojciechowski",
    date_of_birth=date(2013, 4, 9),
    sex="M",
    postcode="CW1 2AB",
)


def _level(a: Record, b: Record, field: str) -> str:
    return compare(a, b).evidence_for(field).level


# --------------------------------------------------------------------------------------------------
# The model file
# --------------------------------------------------------------------------------------------------


def test_the_shipped_default_model_is_the_one_the_matcher_uses() -> None:
    shipped = load_model(DEFAULT_MODEL_PATH)

    assert default_model().version == shipped.version
    assert shipped.version.startswith("demo-")
    assert "synthetic" in shipped.trained_on


def test_every_decision_records_the_model_version() -> None:
    assert decide(CHILD, [CHILD]).model_version == default_model().version
    assert decide(CHILD, []).model_version == default_model().version
    assert decide(CHILD, [CHILD], model=STATED_MODEL).model_version == "stated-2"


def test_a_model_survives_a_round_trip_through_its_file(tmp_path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model_to_dict(default_model())))

    loaded = load_model(path)

    assert loaded == default_model()
    assert compare(CHILD, replace(CHILD, given_names="Olly"), model=loaded).weight == pytest.approx(
        compare(CHILD, replace(CHILD, given_names="Olly")).weight
    )


def test_a_file_of_another_format_or_with_a_level_missing_is_refused() -> None:
    data = model_to_dict(STATED_MODEL)
    with pytest.raises(ValueError, match="Not a"):
        model_from_dict({**data, "format": "splink"})
    del data["levels"]["date_of_birth"]["one_digit"]
    with pytest.raises(ValueError, match="one_digit"):
        model_from_dict(data)


def test_a_common_family_name_counts_for_less_than_a_rare_one() -> None:
    model = default_model()
    common = max(model.term_frequencies["family_name"].items(), key=lambda item: item[1])[0]
    smith = Record(given_names="Amelia", family_name=common, date_of_birth=date(2014, 1, 5))
    rare = replace(smith, family_name="Zzyzxqwerty")

    assert compare(smith, smith).evidence_for("family_name").weight < (
        compare(rare, rare).evidence_for("family_name").weight
    )


# --------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_set() -> training.TrainingResult:
    data = labelled_set(3, children=2_000, incoming=1_500)
    pairs = training.block_pairs(data.incoming, data.register)
    return training.train(
        data.register,
        [(data.incoming[i], data.register[j]) for i, j in pairs],
        version="test-1",
        trained_on="synthetic",
        total_pairs=len(data.incoming) * len(data.register),
        random_pairs=5_000,
    )


def test_em_finds_about_the_true_share_of_matching_candidate_pairs(small_set) -> None:
    data = labelled_set(3, children=2_000, incoming=1_500)
    pairs = training.block_pairs(data.incoming, data.register)
    truly = sum(data.truth[i] == j for i, j in pairs) / len(pairs)

    assert small_set.converged
    assert small_set.match_share == pytest.approx(truly, rel=0.15)  # unsupervised: within 15%
    assert small_set.model.version == "test-1"


def test_trained_m_values_are_probabilities_that_sum_to_one_for_each_field(small_set) -> None:
    for levels in small_set.model.table.values():
        assert all(0 < mu.m <= 1 and 0 < mu.u <= 1 for mu in levels.values())
        assert sum(mu.m for mu in levels.values()) == pytest.approx(1.0, abs=0.02)


def test_an_nhs_number_one_digit_off_stays_weightless_after_training(small_set) -> None:
    assert small_set.model.table["nhs_number"]["typo"].weight == pytest.approx(0.0)


def test_the_shipped_model_is_calibrated_on_fresh_labelled_data() -> None:
    data = labelled_set(11, children=6_000, incoming=4_000)
    pairs = training.block_pairs(data.incoming, data.register)
    bands = training.calibration(
        default_model(),
        ((data.incoming[i], data.register[j], data.truth[i] == j) for i, j in pairs),
        bands=((0.5, 0.99), (0.9, 0.99), (0.99, 1.0001)),
    )
    wide, middle, top = bands

    assert wide.pairs >= 20
    assert abs(wide.true_share - wide.mean_probability) <= 0.1
    assert middle.true_share >= 0.8
    assert top.true_share >= 0.99


# --------------------------------------------------------------------------------------------------
# Twins, with only the co-twin on record
# --------------------------------------------------------------------------------------------------

_TWIN_NAMES = st.sampled_from(
    [
        ("Jayden", "Jaydon"),
        ("Alexander", "Alexandra"),
        ("Oliver", "Olivia"),
        ("Milo", "Mylo"),
        ("Ella", "Ellie"),
        ("Harry", "Harriet"),
        ("Sam", "Samantha"),
        ("Aiden", "Aidan"),
        ("Isla", "Isabella"),
        ("Noah", "Nora"),
        ("Amir", "Amira"),
        ("Lewis", "Louis"),
    ]
) | st.tuples(
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9),
    st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9),
)


def _keyed(d: date, how: str) -> date:
    if how == "swapped" and d.day <= 12 and d.day != d.month:
        return date(d.year, d.day, d.month)
    if how == "one_day":
        return d + timedelta(days=1)
    if how == "one_digit":
        return date(d.year, d.month, d.day + 10 if d.day <= 18 else d.day - 10)  # the tens of the day
    return d


@settings(max_examples=300, deadline=None)
@given(
    _TWIN_NAMES,
    st.dates(date(2008, 1, 1), date(2024, 12, 31)),
    st.sampled_from(["exact", "swapped", "one_day", "one_digit"]),
    st.sampled_from([None, "F", "M"]),
    st.sampled_from([None, "F", "M"]),
    st.booleans(),
    st.booleans(),
)
def test_a_twin_is_never_linked_automatically_to_the_co_twin(
    names: tuple[str, str],
    born: date,
    keyed: str,
    sex_a: str | None,
    sex_b: str | None,
    twin_nhs: bool,
    middle: bool,
) -> None:
    first_a, first_b = names
    assume(name_key(first_a) and name_key(first_b) and name_key(first_a) != name_key(first_b))
    family = "Wojciechowski"
    co_twin = Record(
        given_names=first_b.capitalize() + (" James" if middle else ""),
        family_name=family,
        date_of_birth=born,
        sex=sex_b,
        nhs_number=generate_nhs_number(random.Random(born.toordinal())),
        postcode="CW1 2AB",
    )
    twin = Record(
        given_names=first_a.capitalize() + (" James" if middle else ""),
        family_name=family.upper(),
        date_of_birth=_keyed(born, keyed),
        sex=sex_a,
        nhs_number=generate_nhs_number(random.Random(born.toordinal() + 1)) if twin_nhs else None,
        postcode="cw12ab",
    )
    decision = decide(twin, [co_twin])
    comparison = decision.comparisons[0][1]
    if comparison.evidence_for("given_names").level in ("exact", "nickname", "alias"):
        return  # the names say they are the same child: not the case this test is about
    assert decision.status != "matched"


def test_a_swapped_date_never_weighs_more_than_an_exact_one_for_a_possible_twin() -> None:
    born = date(2012, 3, 11)
    co_twin = replace(CHILD, given_names="Amelia", date_of_birth=born)
    exact = compare(replace(CHILD, date_of_birth=born), co_twin)
    swapped = compare(replace(CHILD, date_of_birth=date(2012, 11, 3)), co_twin)

    assert exact.household and swapped.household
    assert swapped.evidence_for("date_of_birth").weight <= exact.evidence_for("date_of_birth").weight
    assert decide(replace(CHILD, date_of_birth=date(2012, 11, 3)), [co_twin]).status != "matched"


_DATES = st.dates(date(2008, 1, 1), date(2024, 12, 31))


@given(_DATES, _DATES)
def test_for_possible_siblings_no_date_level_outweighs_an_exact_date(born: date, keyed: date) -> None:
    sibling = replace(CHILD, given_names="Amelia", date_of_birth=born)
    exact = compare(replace(CHILD, date_of_birth=born), sibling).evidence_for("date_of_birth").weight
    other = compare(replace(CHILD, date_of_birth=keyed), sibling).evidence_for("date_of_birth").weight

    assert other <= exact + 1e-9


def test_twins_whose_given_names_share_a_nickname_are_not_linked() -> None:
    sister = replace(CHILD, given_names="Alexandra", sex="F")
    recorded_as = replace(CHILD, given_names="Alex", sex=None)

    decision = decide(recorded_as, [sister])

    assert decision.comparisons[0][1].evidence_for("given_names").level == "similar"
    assert decision.status != "matched"


# --------------------------------------------------------------------------------------------------
# The new comparison levels, each with a property
# --------------------------------------------------------------------------------------------------

_NAME = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=10).map(str.capitalize)


@given(_NAME, _NAME)
def test_given_and_family_names_the_other_way_round_are_a_swap_not_a_difference(
    given_name: str, family_name: str
) -> None:
    assume(name_key(given_name) != name_key(family_name))
    a = replace(CHILD, given_names=given_name, family_name=family_name)
    b = replace(CHILD, given_names=family_name, family_name=given_name)
    comparison = compare(a, b)
    plain = compare(a, replace(b, given_names="Xxqz", family_name="Qqzx"))

    assert comparison.evidence_for("family_name").level == "swapped"
    assert comparison.evidence_for("given_names").level == "swapped"
    assert comparison.weight > plain.weight


@given(_NAME, _NAME, _NAME)
def test_a_child_known_by_their_middle_name_is_close_not_different(
    first: str, middle: str, other: str
) -> None:
    keys = {name_key(first), name_key(middle), name_key(other)}
    assume(len(keys) == 3)
    full = replace(CHILD, given_names=f"{first} {middle}")
    known_as = replace(CHILD, given_names=middle)

    evidence = compare(known_as, full).evidence_for("given_names")

    assert evidence.level in ("known_by_middle", "similar")  # similar when the names look alike
    assert (
        evidence.weight > compare(replace(CHILD, given_names=other), full).evidence_for("given_names").weight
    )


@given(_NAME, _NAME)
def test_a_called_name_recorded_as_an_alias_is_found(given_name: str, called: str) -> None:
    assume(name_key(given_name) != name_key(called))
    on_record = replace(CHILD, given_names=given_name, other_names=((called, CHILD.family_name),))
    contact = replace(CHILD, given_names=called)

    evidence = compare(contact, on_record).evidence_for("given_names")

    assert evidence.level in ("alias", "exact")
    assert evidence.weight > 0


@given(st.sampled_from(["Kaur", "Singh", "KAUR", "singh"]), _NAME)
def test_kaur_or_singh_against_a_family_surname_is_not_a_difference(sikh: str, surname: str) -> None:
    assume(name_key(surname) not in ("kaur", "singh"))
    a = replace(CHILD, given_names="Harpreet", family_name=sikh)
    b = replace(CHILD, given_names="Harpreet", family_name=surname)

    evidence = compare(a, b).evidence_for("family_name")

    assert evidence.level in ("kaur_singh", "similar")
    assert evidence.weight > -1.0


_ID = st.text(alphabet=string.digits, min_size=6, max_size=10)


@given(_ID, st.integers(0, 9), st.sampled_from("0123456789"))
def test_an_identifier_one_keystroke_off_is_weak_evidence_not_a_conflict(
    value: str, position: int, digit: str
) -> None:
    position %= len(value)
    assume(value[position] != digit)
    typo = value[:position] + digit + value[position + 1 :]
    comparison = compare(replace(CHILD, la_child_id="LA" + value), replace(CHILD, la_child_id="LA" + typo))
    evidence = comparison.evidence_for("la_child_id")

    assert evidence.level == "typo"
    assert not comparison.conflicting_identifier
    exact = compare(replace(CHILD, la_child_id="LA" + value), replace(CHILD, la_child_id="LA" + value))
    assert 0 < evidence.weight < exact.evidence_for("la_child_id").weight / 2


def _nhs_with_body(body: str) -> str | None:
    weights = range(10, 1, -1)
    check = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    if check == 10:
        return None
    return body + ("0" if check == 11 else str(check))


@given(st.integers(0, 10**9 - 1), st.integers(0, 8), st.integers(1, 9))
def test_an_nhs_number_one_digit_off_is_a_warning_and_never_a_link(
    seed: int, position: int, step: int
) -> None:
    body = f"{seed:09d}"
    other_body = body[:position] + str((int(body[position]) + step) % 10) + body[position + 1 :]
    a, b = _nhs_with_body(body), _nhs_with_body(other_body)
    assume(a is not None and b is not None and len(set(a)) > 1 and len(set(b)) > 1)
    child = replace(CHILD, nhs_number=a)

    decision = decide(replace(CHILD, nhs_number=b), [child])
    comparison = decision.comparisons[0][1]

    assert comparison.evidence_for("nhs_number").level == "typo"
    assert comparison.evidence_for("nhs_number").weight == pytest.approx(0.0)
    assert comparison.warnings and not comparison.conflicting_identifier
    assert decision.status == "needs_review"


@given(_DATES, st.integers(0, 7), st.integers(1, 9))
def test_one_wrong_digit_in_a_date_of_birth_is_close(born: date, position: int, step: int) -> None:
    text = born.strftime("%d%m%Y")
    changed = text[:position] + str((int(text[position]) + step) % 10) + text[position + 1 :]
    try:
        keyed = date(int(changed[4:]), int(changed[2:4]), int(changed[:2]))
    except ValueError:
        assume(False)
        return
    assume(keyed.year >= 1900)

    level = _level(replace(CHILD, date_of_birth=keyed), replace(CHILD, date_of_birth=born), "date_of_birth")

    assert level in ("one_digit", "one_off", "swapped")


def test_the_intake_subject_carries_sex_and_other_names_to_the_matcher() -> None:
    from mace.people.linkage import subject_record

    record = subject_record(
        {
            "given_names": "Mei",
            "family_name": "Chen",
            "sex": "F",
            "other_names": [{"given_names": "Amy", "family_name": "Chen", "kind": "called"}],
        }
    )

    assert record.sex == "F"
    assert record.other_names == (("Amy", "Chen"),)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                CHILD,
                replace(CHILD, given_names="Olly"),
                replace(CHILD, given_names="Amelia"),
                replace(CHILD, date_of_birth=date(2013, 9, 4), la_child_id="LA123456"),
            ]
        ),
        min_size=2,
        max_size=6,
    )
)
def test_batch_scores_equal_the_comparisons_they_stand_for(records: list[Record]) -> None:
    pairs = list(zip(records, reversed(records), strict=True))

    assert score_pairs(pairs) == pytest.approx([compare(a, b).probability for a, b in pairs], abs=1e-12)
