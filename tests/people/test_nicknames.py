"""The matcher's nickname table is its own (a maintained package, a reviewed supplement), not the demo's."""
# shifted-clocks: pinned

from __future__ import annotations

# shifted-clocks: pinned
from mace.demo.names import NICKNAMES
from mace.people.keys import name_key
from mace.people.matching import _nickname_equivalent
from mace.people.nicknames import nickname_groups


def test_the_matcher_knows_nicknames_from_the_maintained_package() -> None:
    # "Bill" for William is in the nicknames package; the demo generator never writes it.
    assert "Bill" not in NICKNAMES["William"]
    assert _nickname_equivalent("william", "bill")


def test_the_matcher_knows_the_supplements_forms_common_in_england() -> None:
    assert _nickname_equivalent("katarzyna", "kasia")
    assert _nickname_equivalent("chukwuemeka", "emeka")
    assert _nickname_equivalent("mohammed", "mo")


def test_two_nicknames_of_one_name_are_equivalent_to_each_other() -> None:
    assert _nickname_equivalent("tom", "tommy")


def test_different_names_are_not_nicknames_of_each_other() -> None:
    assert not _nickname_equivalent("thomas", "james")
    assert not _nickname_equivalent("tom", "tom")


def test_the_demo_mangles_names_with_forms_the_matcher_does_not_know() -> None:
    groups = nickname_groups()
    unknown = [
        (formal, short)
        for formal, shorts in NICKNAMES.items()
        for short in shorts
        if not groups.get(name_key(formal), frozenset()) & groups.get(name_key(short), frozenset())
    ]
    # So the matching tests can notice a nickname the matcher misses (William -> Liam, Alexander -> Xander).
    assert ("William", "Liam") in unknown
    assert ("Alexander", "Xander") in unknown
