"""The voice of the child (1.1): every module that records a child's own words says where, and one
function answers "when did we last hear this child?" across all of them.

A module registers a source in its `AppConfig.ready()`:

    @voice.source("return home interviews")
    def rhi_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]: ...

Each source returns, for the people asked about, the latest time their words were recorded there (before
`before`, when given: the scorecard asks "heard in the 3 months before the period ended" of past periods).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from mace.core import clocks

Source = Callable[..., dict[int, datetime]]  # (person_ids, before=None)
SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


def recorded_before(field: str, before: datetime | None, *, by_day: bool = False) -> dict[str, Any]:
    """The filter a source applies for `before`: nothing when it is None; a date field compares days in
    London (a visit on the day the period ends at midnight is outside it)."""
    if before is None:
        return {}
    return {f"{field}__lt": before.astimezone(clocks.LONDON).date() if by_day else before}


def last_heard(
    person_ids: Iterable[int], *, before: datetime | None = None
) -> dict[int, tuple[datetime, str]]:
    """For each person, when their own words were last recorded (before `before`) and where; absent if
    never."""
    ids = sorted(set(person_ids))
    latest: dict[int, tuple[datetime, str]] = {}
    if not ids:
        return latest
    for name, fn in SOURCES.items():
        for person_id, at in (fn(ids) if before is None else fn(ids, before)).items():
            if person_id not in latest or at > latest[person_id][0]:
                latest[person_id] = (at, name)
    return latest
