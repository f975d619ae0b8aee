# shifted-clocks: pinned
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mace.network import matching


@pytest.mark.parametrize("reg", ["AB12 CDE", "ab12cde", "A123 BCD", "ABC 123D", "1 ABC", "LX70 OKD"])
def test_uk_formats_are_valid(reg: str) -> None:
    assert matching.uk_registration_valid(reg)


@pytest.mark.parametrize("reg", ["", "HELLO WORLD", "12345678", "AB12 CD", "QQ12 ABC", "AB1C DEF"])
def test_other_text_is_not_a_uk_registration(reg: str) -> None:
    assert not matching.uk_registration_valid(reg)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from("ABCDEFGHJKLMNOPRSTUVWXY"),
    st.sampled_from("ABCDEFGHJKLMNOPRSTUVWXY"),
    st.integers(0, 99),
    st.text(alphabet="ABCDEFGHJKLMNOPRSTUVWXYZ", min_size=3, max_size=3),
)
def test_every_current_format_registration_is_valid_however_spaced(a: str, b: str, n: int, tail: str) -> None:
    reg = f"{a}{b}{n:02d}{tail}"
    assert matching.uk_registration_valid(reg)
    assert matching.uk_registration_valid(f"{reg[:4]} {reg[4:]}".lower())
    assert matching.registration_key(matching.display_registration(reg)) == reg


def test_a_registration_is_found_in_free_text_written_apart_or_together() -> None:
    terms = matching.terms_for(1, "vehicle", "AB12 CDE")
    assert [h.subject_id for h in matching.find("got into a silver car ab12 cde outside", terms)] == [1]
    assert [h.subject_id for h in matching.find("car reg AB12CDE seen", terms)] == [1]
    assert list(matching.find("car reg AB12CDF seen", terms)) == []


def test_a_name_is_found_as_whole_words_only() -> None:
    terms = matching.terms_for(7, "adult", "Darren Mole", aliases="D-Man, Dazza")
    assert [h.subject_id for h in matching.find("Found with Darren Mole at the flat", terms)] == [7]
    assert [h.subject_id for h in matching.find("with d man again", terms)] == [7]
    assert list(matching.find("Darren Molesworth", terms)) == []
    assert list(matching.find("with Dazza", terms)) == []  # a one-word alias is too common to trust


@given(st.text(max_size=200))
def test_finding_never_fails_on_any_text(text: str) -> None:
    terms = matching.terms_for(1, "adult", "Darren Mole") + matching.terms_for(2, "vehicle", "AB12 CDE")
    for hit in matching.find(text, terms):
        assert hit.subject_id in (1, 2)
