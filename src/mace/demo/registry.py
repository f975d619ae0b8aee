"""Each module adds its own part of the synthetic partnership by registering a generator step.

A step receives the shared `DemoContext` (random source, organisation, people generated so far)
and returns counts for the summary. Steps run in `order`; the foundation's organisation and
people steps come first, and later modules (contacts, screenings, missing episodes, plans) follow.

Every step shows at least one progress bar (`ctx.task`) and advances it to its total: the bar's
timer stops when the work it measures is done. Steps write in bulk (`mace.demo.bulk`): a query per
batch, never a query per row, so generating 100,000 children takes minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mace.core.audit import Actor

# How far back the synthetic partnership's history reaches: two years, so that every scorecard measure
# has a year's trend and a year-ago comparison (issue 11 item 8).
HISTORY_DAYS = 730


@dataclass
class DemoContext:
    rng: random.Random
    children: int
    today: date
    now: datetime
    actor: Actor
    progress: Any = None
    # Filled by the steps as they go, for later steps to build on.
    org: dict[str, Any] = field(default_factory=dict)
    child_ids: list[int] = field(default_factory=list)

    def task(self, description: str, total: int) -> Callable[[int], None]:
        """A progress bar line for a step; a no-op without a progress display.

        A bar with nothing to do is shown complete at once, so its timer does not run on."""
        if self.progress is None:
            return lambda n: None
        task_id = self.progress.add_task(description, total=max(total, 0))
        if total <= 0:
            self.progress.update(task_id, total=1, completed=1)
        return lambda n: self.progress.advance(task_id, n)


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    run: Callable[[DemoContext], dict[str, int]]


@dataclass(frozen=True)
class StepResult:
    """What one step made and how long it took, for the summary `mace seed` prints."""

    name: str
    seconds: float
    counts: dict[str, int]


STEPS: list[Step] = []


def step(
    order: int, name: str
) -> Callable[[Callable[[DemoContext], dict[str, int]]], Callable[[DemoContext], dict[str, int]]]:
    def register(fn: Callable[[DemoContext], dict[str, int]]) -> Callable[[DemoContext], dict[str, int]]:
        STEPS.append(Step(order, name, fn))
        STEPS.sort(key=lambda s: s.order)
        return fn

    return register
