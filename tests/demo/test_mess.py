"""Tests for the data-entry mess applied to synthetic records."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.demo.mess import MessProfile, misspell, nickname, swap_day_month, typo_date, variant_record
from mace.demo.names import FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES

seeds = st.integers(min_value=0, max_value=2**32 - 1)
names = st.text(min_size=1, max_size=30)
pool_names = st.sampled_from(FEMALE_GIVEN_NAMES + MALE_GIVEN_NAMES + SURNAMES)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))

CHILD = {
    "given_names": "Thomas James",
    "family_name": "Smith-Khan",
    "date_of_birth": date(2012, 3, 7),
    "sex": "M",
    "nhs_number": "9434765919",
    "upn": "B801200005001",
    "police_id": "CH-2024-0123456",
    "postcode": "CW1 2AB",
}


def _variant(seed: int, profile: MessProfile, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {**CHILD, **overrides}
    return dict(variant_record(random.Random(seed), profile=profile, **record))  # type: ignore[arg-type]


# --- misspell ------------------------------------------------------------------------------------


@given(names, seeds)
def test_misspell_never_returns_the_input(name: str, seed: int) -> None:
    assert misspell(name, random.Random(seed)) != name


@given(names, seeds)
def test_misspell_never_returns_an_empty_string(name: str, seed: int) -> None:
    assert misspell(name, random.Random(seed))


@given(pool_names, seeds)
def test_misspell_of_a_real_looking_name_changes_its_length_by_at_most_one(name: str, seed: int) -> None:
    assert abs(len(misspell(name, random.Random(seed))) - len(name)) <= 1


@given(pool_names, seeds)
def test_misspell_keeps_a_capitalised_name_capitalised(name: str, seed: int) -> None:
    assert misspell(name, random.Random(seed))[0].isupper()


@given(names, seeds)
def test_misspell_gives_the_same_result_for_the_same_seed(name: str, seed: int) -> None:
    assert misspell(name, random.Random(seed)) == misspell(name, random.Random(seed))


def test_misspell_rejects_an_empty_name() -> None:
    with pytest.raises(ValueError):
        misspell("", random.Random(0))


def test_misspell_uses_sound_alike_spellings() -> None:
    results = {misspell("Philip", random.Random(seed)) for seed in range(200)}
    assert "Filip" in results


def test_misspell_can_swap_adjacent_letters() -> None:
    results = {misspell("Sophie", random.Random(seed)) for seed in range(200)}
    assert "Sohpie" in results


def test_misspell_of_an_all_capitals_name_stays_in_capitals() -> None:
    for seed in range(100):
        assert misspell("THOMAS", random.Random(seed)).isupper()


# --- nickname ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Thomas", {"Tom", "Tommy"}),
        ("Mohammed", {"Mo"}),
        ("Aleksandra", {"Ola"}),
        ("Jessica", {"Jess", "Jessie"}),
    ],
)
def test_nickname_comes_from_the_nickname_map(given_name: str, expected: set[str]) -> None:
    assert nickname(given_name, random.Random(0)) in expected


def test_nickname_uses_the_first_of_several_given_names() -> None:
    assert nickname("Thomas James", random.Random(0)) in {"Tom", "Tommy"}


def test_nickname_is_none_for_a_name_without_one() -> None:
    assert nickname("Zebedee", random.Random(0)) is None


def test_nickname_is_none_for_an_empty_name() -> None:
    assert nickname("", random.Random(0)) is None


# --- dates ---------------------------------------------------------------------------------------


def test_swap_day_month_reads_the_date_the_other_way_round() -> None:
    assert swap_day_month(date(2015, 3, 7)) == date(2015, 7, 3)


def test_swap_day_month_is_none_when_the_day_is_over_twelve() -> None:
    assert swap_day_month(date(2015, 3, 13)) is None


def test_swap_day_month_is_none_when_day_equals_month() -> None:
    assert swap_day_month(date(2015, 4, 4)) is None


@given(dates)
def test_swap_day_month_is_an_involution_where_defined(d: date) -> None:
    swapped = swap_day_month(d)
    if swapped is not None:
        assert swapped != d
        assert swap_day_month(swapped) == d


@given(dates, seeds)
def test_typo_date_always_changes_the_date(d: date, seed: int) -> None:
    assert typo_date(d, random.Random(seed)) != d


@given(dates, seeds)
def test_typo_date_is_a_swap_a_day_out_or_a_wrong_year_digit(d: date, seed: int) -> None:
    typo = typo_date(d, random.Random(seed))
    swapped = typo == swap_day_month(d)
    day_out = abs(typo - d) == timedelta(days=1)
    wrong_year = (typo.month, typo.day) == (d.month, d.day) and abs(typo.year - d.year) in (1, 10)
    assert swapped or day_out or wrong_year


@pytest.mark.parametrize("d", [date.min, date.max, date(2012, 2, 29), date(2000, 2, 29)])
def test_typo_date_handles_edge_dates(d: date) -> None:
    for seed in range(50):
        assert typo_date(d, random.Random(seed)) != d


@given(dates, seeds)
def test_typo_date_gives_the_same_result_for_the_same_seed(d: date, seed: int) -> None:
    assert typo_date(d, random.Random(seed)) == typo_date(d, random.Random(seed))


# --- variant_record ------------------------------------------------------------------------------


@given(seeds)
def test_variant_record_gives_the_same_record_for_the_same_seed(seed: int) -> None:
    assert _variant(seed, MessProfile()) == _variant(seed, MessProfile())


@given(seeds)
def test_variant_record_with_a_clean_profile_copies_the_child_exactly(seed: int) -> None:
    record = _variant(seed, MessProfile.clean())
    assert record == {**CHILD, "changes": []}


def test_variant_record_applies_a_nickname() -> None:
    record = _variant(1, MessProfile.always("nickname"))
    assert record["given_names"] in {"Tom James", "Tommy James"}
    assert record["changes"] == ["nickname"]


def test_variant_record_drops_middle_names() -> None:
    assert _variant(1, MessProfile.always("drop_middle_names"))["given_names"] == "Thomas"


@given(seeds)
def test_variant_record_misspells_the_given_name(seed: int) -> None:
    record = _variant(seed, MessProfile.always("misspell_given"))
    first, middle = str(record["given_names"]).split()
    assert first != "Thomas"
    assert middle == "James"


@given(seeds)
def test_variant_record_keeps_one_part_of_a_double_barrelled_surname(seed: int) -> None:
    assert _variant(seed, MessProfile.always("drop_surname_part"))["family_name"] in {"Smith", "Khan"}


@given(seeds)
def test_variant_record_leaves_a_single_surname_whole_when_dropping_parts(seed: int) -> None:
    record = _variant(seed, MessProfile.always("drop_surname_part"), family_name="Kowalska")
    assert record["family_name"] == "Kowalska"
    assert record["changes"] == []


@given(seeds)
def test_variant_record_misspells_the_family_name(seed: int) -> None:
    assert _variant(seed, MessProfile.always("misspell_family"))["family_name"] != "Smith-Khan"


def test_variant_record_swaps_day_and_month_of_birth() -> None:
    assert _variant(1, MessProfile.always("swap_day_month"))["date_of_birth"] == date(2012, 7, 3)


def test_variant_record_leaves_an_unswappable_date_alone() -> None:
    record = _variant(1, MessProfile.always("swap_day_month"), date_of_birth=date(2012, 3, 21))
    assert record["date_of_birth"] == date(2012, 3, 21)
    assert record["changes"] == []


@given(seeds)
def test_variant_record_applies_a_date_typo(seed: int) -> None:
    assert _variant(seed, MessProfile.always("typo_date"))["date_of_birth"] != date(2012, 3, 7)


def test_variant_record_drops_missing_identifiers() -> None:
    profile = MessProfile.always("missing_nhs_number", "missing_upn", "missing_police_id", "missing_postcode")
    record = _variant(1, profile)
    assert (record["nhs_number"], record["upn"], record["police_id"], record["postcode"]) == (None,) * 4


@given(seeds)
def test_variant_record_reformats_identifiers_without_changing_them(seed: int) -> None:
    record = _variant(seed, MessProfile.always("reformat_identifiers"))
    nhs, postcode = str(record["nhs_number"]), str(record["postcode"])
    assert nhs != CHILD["nhs_number"]
    assert "".join(c for c in nhs if c.isdigit()) == CHILD["nhs_number"]
    assert postcode != CHILD["postcode"]
    assert postcode.replace(" ", "").upper() == "CW12AB"


def test_variant_record_accepts_missing_optional_fields() -> None:
    record = variant_record(
        random.Random(0), given_names="Aisha", family_name="Khan", date_of_birth=None, profile=MessProfile()
    )
    assert record["date_of_birth"] is None
    assert record["nhs_number"] is None


def test_mess_profile_always_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        MessProfile.always("teleport")
