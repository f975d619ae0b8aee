"""Scorecard figures that a module beside oversight computes (the network module's disruption and NRM
counts), so oversight need not import it. A module registers a figure in its `AppConfig.ready()`:

    figures.register(figures.Figure("disruptions_served", "count", disruptions_served, people="disruptions"))

The function takes (partnership_ids, start, end, now) and returns (numerator, denominator or None, the
people behind the numerator or None). Oversight adopts every registered figure as a source of the same
name (`oversight.sources.adopt_registered`); an app registering one must come before oversight in
INSTALLED_APPS, since oversight checks its definition file when it starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

Compute = Callable[
    [tuple[int, ...], datetime, datetime, datetime], tuple[int, int | None, frozenset[int] | None]
]


@dataclass(frozen=True)
class Figure:
    name: str
    unit: str  # count or percent
    fn: Compute
    people: str = "children"
    kind: str = "additive"


FIGURES: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    FIGURES[figure.name] = figure
    return figure
