"""Every generator step shows its progress to the end, and writes in bulk: a query per batch, not per row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mace.core import audit
from mace.demo import registry
from mace.demo.generate import generate

pytestmark = pytest.mark.django_db

# Queries each extra child may add across all steps after the organisation. Writing a query per
# batch of 1,000 rows costs almost nothing per child; one query per contact, attendance, plan or
# allocated child costs from 0.3 to over 1.
MARGINAL_QUERIES_PER_CHILD = 0.25


@dataclass
class Bar:
    description: str
    total: float
    completed: float = 0


@dataclass
class RecordingProgress:
    """Stands in for rich's Progress: records each bar and how far it was advanced."""

    bars: list[Bar] = field(default_factory=list)

    def add_task(self, description: str, total: float) -> int:
        self.bars.append(Bar(description, total))
        return len(self.bars) - 1

    def advance(self, task_id: int, advance: float) -> None:
        self.bars[task_id].completed += advance

    def update(self, task_id: int, *, total: float | None = None, completed: float | None = None) -> None:
        bar = self.bars[task_id]
        bar.total = bar.total if total is None else total
        bar.completed = bar.completed if completed is None else completed


@pytest.fixture
def per_step() -> Iterator[dict[str, Any]]:
    """Wraps every registered step to note the bars it added and the queries it ran."""
    seen: dict[str, Any] = {}
    steps = list(registry.STEPS)

    def watched(s: registry.Step) -> registry.Step:
        def run(ctx: registry.DemoContext) -> dict[str, int]:
            first_bar = len(ctx.progress.bars) if ctx.progress is not None else 0
            with CaptureQueriesContext(connection) as queries:
                out = s.run(ctx)
            bars = ctx.progress.bars[first_bar:] if ctx.progress is not None else []
            seen.setdefault(s.name, []).append((bars, len(queries.captured_queries)))
            return out

        return registry.Step(s.order, s.name, run)

    registry.STEPS[:] = [watched(s) for s in steps]
    yield seen
    registry.STEPS[:] = steps


def test_every_step_shows_a_progress_bar_that_reaches_its_total(per_step: dict[str, Any]) -> None:
    generate(children=120, seed=6, progress=RecordingProgress())
    assert set(per_step) == {s.name for s in registry.STEPS}
    for name, [(bars, _)] in per_step.items():
        assert bars, f"the {name} step shows no progress"
        unfinished = [(b.description, b.completed, b.total) for b in bars if b.completed != b.total]
        assert unfinished == [], f"the {name} step leaves bars short of or past their total"


def test_a_step_with_nothing_to_do_shows_its_bar_complete() -> None:
    progress = RecordingProgress()
    ctx = registry.DemoContext(
        rng=None,  # type: ignore[arg-type]
        children=0,
        today=None,  # type: ignore[arg-type]
        now=None,  # type: ignore[arg-type]
        actor=audit.Actor.system("test"),
        progress=progress,
    )
    ctx.task("Nothing here", 0)
    assert [(b.completed, b.total) for b in progress.bars] == [(1, 1)]


def test_more_children_add_almost_no_queries(per_step: dict[str, Any]) -> None:
    generate(children=40, seed=8)
    generate(children=240, seed=8)
    small, large = (
        sum(runs[i][1] for name, runs in per_step.items() if name != "organisation") for i in (0, 1)
    )
    assert (large - small) / 200 < MARGINAL_QUERIES_PER_CHILD, (small, large)


def test_the_access_log_verifies_after_seeding_in_bulk() -> None:
    generate(children=80, seed=12)
    result = audit.verify()
    assert result.ok, result.problem
