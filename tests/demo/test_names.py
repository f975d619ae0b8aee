"""Tests for the synthetic name and address data."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.demo.names import (
    ETHNICITIES,
    FEMALE_GIVEN_NAMES,
    MALE_GIVEN_NAMES,
    NAME_POOLS,
    NICKNAMES,
    STREET_NAMES,
    SURNAMES,
    TOWNS,
    NamePool,
    feminine_surname,
    pick_address,
    pick_person,
)
from mace.people.identifiers import postcode_is_valid

seeds = st.integers(min_value=0, max_value=2**32 - 1)

EXPECTED_DISTRICTS = {f"CW{n}" for n in range(1, 13)} | {"SK9", "SK10", "SK11", "SK12", "ST7", "WA16"}


def test_there_are_at_least_80_given_names_for_each_sex() -> None:
    assert len(FEMALE_GIVEN_NAMES) >= 80
    assert len(MALE_GIVEN_NAMES) >= 80


def test_there_are_at_least_300_surnames() -> None:
    assert len(SURNAMES) >= 300


def test_the_white_british_pool_alone_has_80_given_names_per_sex() -> None:
    pool = NAME_POOLS["white_british"]
    assert len(pool.female) >= 80
    assert len(pool.male) >= 80


@pytest.mark.parametrize("pool", NAME_POOLS.values(), ids=lambda pool: pool.key)
def test_no_name_pool_repeats_a_name(pool: NamePool) -> None:
    for names in (pool.female, pool.male, pool.surnames):
        assert [name for name, count in Counter(names).items() if count > 1] == []


def test_there_are_the_19_census_ethnicity_categories() -> None:
    assert sorted(e.code for e in ETHNICITIES) == list(range(1, 20))
    assert len({e.label for e in ETHNICITIES}) == 19


def test_ethnicity_labels_follow_group_dash_name() -> None:
    labels = {e.label for e in ETHNICITIES}
    assert "White - English, Welsh, Scottish, Northern Irish or British" in labels
    assert "Asian or Asian British - Pakistani" in labels


def test_ethnicity_weights_are_percentages_summing_to_100() -> None:
    assert sum(e.weight for e in ETHNICITIES) == pytest.approx(100)


def test_every_ethnicity_draws_on_known_name_pools() -> None:
    for ethnicity in ETHNICITIES:
        assert set(ethnicity.given_pools) <= set(NAME_POOLS)
        assert set(ethnicity.surname_pools) <= set(NAME_POOLS)


def test_there_are_at_least_60_nicknames() -> None:
    assert len(NICKNAMES) >= 60


def test_every_nickname_key_is_a_given_name_in_the_pools() -> None:
    assert set(NICKNAMES) <= set(FEMALE_GIVEN_NAMES) | set(MALE_GIVEN_NAMES)


@pytest.mark.parametrize(
    ("masculine", "pool", "feminine"),
    [
        ("Kowalski", "polish", "Kowalska"),
        ("Nowak", "polish", "Nowak"),
        ("Kazlauskas", "lithuanian", "Kazlauskaitė"),
        ("Stankevičius", "lithuanian", "Stankevičiūtė"),
        ("Butkus", "lithuanian", "Butkutė"),
        ("Kairys", "lithuanian", "Kairytė"),
        ("Smith", "white_british", "Smith"),
    ],
)
def test_feminine_surname_inflects_polish_and_lithuanian_surnames(
    masculine: str, pool: str, feminine: str
) -> None:
    assert feminine_surname(masculine, pool) == feminine


@given(seeds)
def test_pick_person_gives_the_same_person_for_the_same_seed(seed: int) -> None:
    assert pick_person(random.Random(seed)) == pick_person(random.Random(seed))


@given(seeds)
def test_pick_person_fills_every_name_field(seed: int) -> None:
    person = pick_person(random.Random(seed))
    assert person.given_names.strip() and person.family_name.strip()
    assert person.sex in ("F", "M")
    assert person.ethnicity in ETHNICITIES


@given(seeds)
def test_preferred_name_is_a_nickname_of_the_first_given_name(seed: int) -> None:
    person = pick_person(random.Random(seed))
    if person.preferred_name is not None:
        assert person.preferred_name in NICKNAMES[person.first_name]


def test_pick_person_draws_mostly_but_not_only_white_british() -> None:
    rng = random.Random(2024)
    keys = Counter(pick_person(rng).ethnicity.key for _ in range(5000))
    assert 0.85 < keys["white_british"] / 5000 < 0.95
    assert len(keys) >= 12


def test_pick_person_sometimes_gives_a_double_barrelled_surname() -> None:
    rng = random.Random(7)
    assert any("-" in pick_person(rng).family_name for _ in range(500))


def test_street_names_and_towns_are_plentiful() -> None:
    assert len(STREET_NAMES) >= 100
    assert len(TOWNS) >= 10


def test_towns_use_the_cheshire_postcode_districts() -> None:
    assert {district for town in TOWNS for district in town.districts} == EXPECTED_DISTRICTS


@given(seeds)
def test_picked_addresses_have_valid_postcodes_in_the_towns_district(seed: int) -> None:
    address = pick_address(random.Random(seed))
    town = next(t for t in TOWNS if t.name == address.town)
    assert postcode_is_valid(address.postcode)
    assert address.postcode.split()[0] in town.districts
