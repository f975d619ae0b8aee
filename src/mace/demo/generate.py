"""Build the synthetic partnership by running every registered generator step in order."""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from mace.casework import demo as casework_demo  # noqa: F401 - importing registers the step
from mace.core.audit import Actor
from mace.frontdoor import demo as frontdoor_demo  # noqa: F401 - importing registers the step
from mace.health import demo as health_demo  # noqa: F401 - importing registers the step
from mace.improvement import demo as improvement_demo  # noqa: F401 - importing registers the step
from mace.meetings import demo as meetings_demo  # noqa: F401 - importing registers the step
from mace.missing import demo as missing_demo  # noqa: F401 - importing registers the step
from mace.network import demo as network_demo  # noqa: F401 - importing registers the step
from mace.plans import demo as plans_demo  # noqa: F401 - importing registers the step
from mace.screening import demo as screening_demo  # noqa: F401 - importing registers the step

from . import organisation, people  # noqa: F401 - importing registers the steps
from .organisation import DEMO_PASSWORD, demo_accounts
from .registry import STEPS, DemoContext, StepResult

__all__ = ["DEMO_PASSWORD", "demo_accounts", "generate", "generate_steps"]


def generate_steps(*, children: int, seed: int, progress: Any = None) -> list[StepResult]:
    """Deterministic for a given seed and day: the same people, relationships and mess.

    Returns what each step made and how long it took, in the order the steps ran."""
    ctx = DemoContext(
        rng=random.Random(seed),
        children=children,
        today=timezone.localdate(),
        now=timezone.now().replace(microsecond=0),
        actor=Actor.system("demo-generator"),
        progress=progress,
    )
    results: list[StepResult] = []
    for s in STEPS:
        # Each step draws from its own stream, so one step's output does not depend on what
        # another step found already in the database.
        ctx.rng = random.Random(f"{seed}:{s.name}")
        started = time.monotonic()
        with transaction.atomic():  # a step is written whole or not at all
            counts = s.run(ctx)
        results.append(StepResult(s.name, time.monotonic() - started, counts))
    # Fresh statistics, so the query planner knows which indexes are selective on the new data.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return results


def generate(*, children: int, seed: int, progress: Any = None) -> dict[str, int]:
    """The counts of every step in one summary: {"Children": 2000, "Contacts": 3353, ...}."""
    summary: dict[str, int] = {}
    for result in generate_steps(children=children, seed=seed, progress=progress):
        summary.update(result.counts)
    return summary
