"""The matcher's knowledge of nicknames: which given names are forms of one another (Tom and Thomas).

Two sources, both data:
- the `nicknames` package (a maintained, hand-curated table of English names and their nicknames), its
  "has_nickname" relationships only (its translations are not nicknames);
- ``data/nicknames-england.csv``: forms common among children in England that the package lacks (British
  short forms such as Alfie and Evie, and Polish, Romanian, Lithuanian, Somali, Yoruba and Igbo
  diminutives), each reviewed by hand.

The demo generator mangles names with a table of its own (``mace.demo.names.NICKNAMES``) that includes
forms this table does not know, so the matching tests can notice a nickname the matcher misses.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import nicknames

from mace.people.keys import name_key

SUPPLEMENT = "nicknames-england.csv"


def _pairs() -> Iterator[tuple[str, str]]:
    """(formal name, nickname) pairs from both sources."""
    for triplet in nicknames.name_triplets():
        if triplet.relationship == "has_nickname":
            yield triplet.name1, triplet.name2
    with resources.files("mace.people").joinpath("data", SUPPLEMENT).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["formal"], row["nickname"]


@lru_cache(maxsize=1)
def nickname_groups() -> Mapping[str, frozenset[int]]:
    """Name key -> the groups it belongs to; a group is a formal name with its nicknames."""
    formal_index: dict[str, int] = {}
    groups: dict[str, set[int]] = {}
    for formal, nickname in _pairs():
        formal_key, nickname_key = name_key(formal), name_key(nickname)
        if not formal_key or not nickname_key or formal_key == nickname_key:
            continue
        index = formal_index.setdefault(formal_key, len(formal_index))
        groups.setdefault(formal_key, set()).add(index)
        groups.setdefault(nickname_key, set()).add(index)
    return MappingProxyType({key: frozenset(value) for key, value in groups.items()})
