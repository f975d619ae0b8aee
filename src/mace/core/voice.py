"""The voice of the child (1.1): every module that records a child's own words says where, and one
function answers "when did we last hear this child?" across all of them.

A module registers a source in its `AppConfig.ready()`:

    @voice.source("return home interviews")
    def rhi_voice(person_ids: list[int]) -> dict[int, datetime]: ...

Each source returns, for the people asked about, the latest time their words were recorded there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

Source = Callable[[list[int]], dict[int, datetime]]
SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


def last_heard(person_ids: Iterable[int]) -> dict[int, tuple[datetime, str]]:
    """For each person, when their own words were last recorded and where; absent if never."""
    ids = sorted(set(person_ids))
    latest: dict[int, tuple[datetime, str]] = {}
    if not ids:
        return latest
    for name, fn in SOURCES.items():
        for person_id, at in fn(ids).items():
            if person_id not in latest or at > latest[person_id][0]:
                latest[person_id] = (at, name)
    return latest
