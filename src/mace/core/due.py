"""What is overdue and due next for one child, across every module that sets a deadline for them.

The child's record opens with this list (docs/decisions/0017-reflow.md). A module registers a source
in its `AppConfig.ready()`, as with `core/voice.py`:

    @due.source("return home interviews")
    def rhi_due(person) -> list[due.Due]: ...

The caller has already opened the record for the user (access checked and logged), so a source only
reads that child's open work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mace.core import clocks


@dataclass(frozen=True)
class Due:
    title: str
    due_at: datetime
    detail: str = ""
    href: str = ""
    all_day: bool = False  # due by the end of a date: shown without a time

    def time_left(self, now: datetime) -> timedelta:
        return clocks.time_left(self.due_at, now)

    def overdue(self, now: datetime) -> bool:
        return self.time_left(now) < timedelta(0)


Source = Callable[[Any], list[Due]]
SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


def end_of_day(day: date) -> datetime:
    """A deadline given as a date is met until the end of that day in the UK (pass `all_day=True`)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=clocks.LONDON)


def for_person(person: Any) -> list[Due]:
    """Every open deadline for this child, the most overdue first, then what falls due soonest."""
    items = [item for fn in SOURCES.values() for item in fn(person)]
    return sorted(items, key=lambda d: (d.due_at, d.title))
