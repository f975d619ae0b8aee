"""Tests for NHS number, UPN, police reference and postcode rules."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mace.people.identifiers import (
    NHS_NUMBER_ERROR,
    format_nhs_number,
    generate_nhs_number,
    generate_police_id,
    generate_upn,
    nhs_check_digit,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_police_id,
    normalise_postcode,
    normalise_upn,
    police_id_is_valid,
    postcode_is_valid,
    upn_check_letter,
    upn_is_valid,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _valid_nhs_numbers() -> st.SearchStrategy[str]:
    return seeds.map(lambda seed: generate_nhs_number(random.Random(seed)))


def _valid_upns() -> st.SearchStrategy[str]:
    return st.tuples(seeds, st.booleans()).map(
        lambda args: generate_upn(random.Random(args[0]), temporary=args[1])
    )


# --- NHS number ----------------------------------------------------------------------------------


def test_known_valid_nhs_number_is_accepted() -> None:
    assert nhs_number_is_valid("9434765919")


def test_nhs_number_with_wrong_check_digit_is_rejected() -> None:
    assert not nhs_number_is_valid("9434765918")


@pytest.mark.parametrize("value", ["943 476 5919", "943-476-5919", " 9434765919 ", "943 476-5919"])
def test_nhs_number_may_contain_spaces_and_hyphens(value: str) -> None:
    assert nhs_number_is_valid(value)


@pytest.mark.parametrize("value", ["", "943476591", "94347659190", "943476591X", "94347.65919", "abcdefghij"])
def test_nhs_number_that_is_not_ten_digits_is_rejected(value: str) -> None:
    assert not nhs_number_is_valid(value)


def test_nhs_number_with_non_ascii_digits_is_rejected() -> None:
    assert not nhs_number_is_valid("٩٤٣٤٧٦٥٩١٩")  # Arabic-Indic digits for 9434765919


@pytest.mark.parametrize("last", "0123456789")
def test_nhs_number_whose_check_digit_would_be_ten_is_always_rejected(last: str) -> None:
    assert nhs_check_digit("999000000") is None
    assert not nhs_number_is_valid(f"999000000{last}")


def test_nhs_number_validation_applies_only_the_check_digit_rule() -> None:
    assert nhs_number_is_valid("0000000000")


def test_nhs_check_digit_rejects_input_that_is_not_nine_digits() -> None:
    with pytest.raises(ValueError):
        nhs_check_digit("12345678")


def test_normalise_nhs_number_strips_separators() -> None:
    assert normalise_nhs_number(" 943-476 5919 ") == "9434765919"


def test_normalise_nhs_number_rejects_invalid_number_with_human_message() -> None:
    with pytest.raises(ValueError) as excinfo:
        normalise_nhs_number("9434765918")
    assert str(excinfo.value) == "Enter a valid NHS number: 10 digits that pass the check digit"
    assert str(excinfo.value) == NHS_NUMBER_ERROR


def test_format_nhs_number_groups_digits_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"


def test_format_nhs_number_rejects_invalid_number() -> None:
    with pytest.raises(ValueError):
        format_nhs_number("9434765918")


@given(_valid_nhs_numbers())
def test_generated_nhs_numbers_are_always_valid(number: str) -> None:
    assert nhs_number_is_valid(number)


@given(_valid_nhs_numbers())
def test_generated_nhs_numbers_are_in_the_999_test_range(number: str) -> None:
    assert number.startswith("999")
    assert len(number) == 10


@given(_valid_nhs_numbers(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_of_a_valid_nhs_number_makes_it_invalid(
    number: str, position: int, shift: int
) -> None:
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    assert not nhs_number_is_valid(changed)


@given(_valid_nhs_numbers())
def test_format_then_normalise_returns_the_digits(number: str) -> None:
    assert normalise_nhs_number(format_nhs_number(number)) == number


@given(_valid_nhs_numbers())
def test_normalise_then_format_is_stable(number: str) -> None:
    formatted = format_nhs_number(number)
    assert format_nhs_number(normalise_nhs_number(formatted)) == formatted


@given(seeds)
def test_same_seed_generates_the_same_nhs_number(seed: int) -> None:
    assert generate_nhs_number(random.Random(seed)) == generate_nhs_number(random.Random(seed))


# --- Unique pupil number ---------------------------------------------------------------------------


def test_known_valid_upn_is_accepted() -> None:
    assert upn_is_valid("B801200005001")


def test_upn_with_wrong_check_letter_is_rejected() -> None:
    assert not upn_is_valid("A801200005001")


def test_upn_check_letter_is_computed_from_characters_two_to_thirteen() -> None:
    assert upn_check_letter("801200005001") == "B"


def test_upn_is_accepted_regardless_of_case_and_spaces() -> None:
    assert upn_is_valid(" b801 2000 05001 ")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "B80120000500",
        "B8012000050011",
        "880120000500A",
        "B80120000A001",
        "B80120000500I",
        "B8012000-5001",
    ],
)
def test_malformed_upn_is_rejected(value: str) -> None:
    assert not upn_is_valid(value)


def test_normalise_upn_returns_compact_upper_case() -> None:
    assert normalise_upn("b801 2000 05001") == "B801200005001"


def test_normalise_upn_rejects_invalid_upn() -> None:
    with pytest.raises(ValueError):
        normalise_upn("A801200005001")


@given(_valid_upns())
def test_generated_upns_are_always_valid(upn: str) -> None:
    assert upn_is_valid(upn)


@given(seeds)
def test_generated_temporary_upn_ends_in_a_letter(seed: int) -> None:
    upn = generate_upn(random.Random(seed), temporary=True)
    assert upn[-1].isalpha()
    assert upn_is_valid(upn)


@given(seeds, st.sampled_from(["895", "896", "201", "935"]))
def test_generated_upn_carries_the_local_authority_code(seed: int, la_code: str) -> None:
    assert generate_upn(random.Random(seed), la_code)[1:4] == la_code


@pytest.mark.parametrize("la_code", ["89", "8955", "ABC"])
def test_generate_upn_rejects_malformed_local_authority_code(la_code: str) -> None:
    with pytest.raises(ValueError):
        generate_upn(random.Random(0), la_code)


@given(_valid_upns(), st.integers(min_value=1, max_value=11), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_of_a_valid_upn_makes_it_invalid(
    upn: str, position: int, shift: int
) -> None:
    changed = upn[:position] + str((int(upn[position]) + shift) % 10) + upn[position + 1 :]
    assert not upn_is_valid(changed)


@given(seeds)
def test_same_seed_generates_the_same_upn(seed: int) -> None:
    assert generate_upn(random.Random(seed)) == generate_upn(random.Random(seed))


# --- Police reference ------------------------------------------------------------------------------


def test_example_police_reference_is_valid() -> None:
    assert police_id_is_valid("CH-2024-0123456")


@pytest.mark.parametrize(
    "value", ["", "CH20240123456", "C-2024-0123456", "CH-24-0123456", "CH-2024-012345", "CH-1850-0123456"]
)
def test_malformed_police_reference_is_rejected(value: str) -> None:
    assert not police_id_is_valid(value)


def test_normalise_police_id_upper_cases_and_trims() -> None:
    assert normalise_police_id(" ch-2024-0123456 ") == "CH-2024-0123456"


def test_normalise_police_id_rejects_malformed_reference() -> None:
    with pytest.raises(ValueError):
        normalise_police_id("CH-2024-12")


@given(seeds)
def test_generated_police_references_are_valid(seed: int) -> None:
    assert police_id_is_valid(generate_police_id(random.Random(seed)))


def test_generated_police_reference_uses_the_given_force_and_year() -> None:
    assert generate_police_id(random.Random(1), force="GM", year=2021).startswith("GM-2021-")


@pytest.mark.parametrize(("force", "year"), [("C", 2024), ("ch", 2024), ("CH", 1850)])
def test_generate_police_id_rejects_bad_force_or_year(force: str, year: int) -> None:
    with pytest.raises(ValueError):
        generate_police_id(random.Random(1), force=force, year=year)


@given(seeds)
def test_same_seed_generates_the_same_police_reference(seed: int) -> None:
    assert generate_police_id(random.Random(seed)) == generate_police_id(random.Random(seed))


# --- Postcode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("cw1 2ab", "CW1 2AB"), ("CW12AB", "CW1 2AB"), ("  sk9   5ab ", "SK9 5AB"), ("wa16 6ab", "WA16 6AB")],
)
def test_normalise_postcode_upper_cases_and_puts_one_space_before_inward_code(
    value: str, expected: str
) -> None:
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    "value", ["CW1 2AB", "SK10 1AA", "M1 1AE", "SW1A 1AA", "W1D 4FA", "GIR 0AA", "st7 2ab"]
)
def test_uk_postcodes_are_valid(value: str) -> None:
    assert postcode_is_valid(value)


@pytest.mark.parametrize("value", ["", "CW1", "12345", "CW1 2AC", "QW1 2AB", "CW1 AAB", "CWW1 2AB"])
def test_malformed_postcodes_are_invalid(value: str) -> None:
    assert not postcode_is_valid(value)


def test_normalise_postcode_rejects_malformed_postcode() -> None:
    with pytest.raises(ValueError):
        normalise_postcode("not a postcode")


@given(st.text(max_size=12))
def test_postcode_validation_never_raises(value: str) -> None:
    assert postcode_is_valid(value) in (True, False)


@given(st.text(max_size=14))
def test_nhs_number_validation_never_raises(value: str) -> None:
    assert nhs_number_is_valid(value) in (True, False)
