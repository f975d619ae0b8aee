"""Build the synthetic partnership by running every registered generator step in order."""

from __future__ import annotations

import random
from typing import Any

from django.db import connection
from django.utils import timezone

from mace.casework import demo as casework_demo  # noqa: F401 - importing registers the step
from mace.core.audit import Actor
from mace.frontdoor import demo as frontdoor_demo  # noqa: F401 - importing registers the step
from mace.health import demo as health_demo  # noqa: F401 - importing registers the step
from mace.meetings import demo as meetings_demo  # noqa: F401 - importing registers the step
from mace.missing import demo as missing_demo  # noqa: F401 - importing registers the step
from mace.plans import demo as plans_demo  # noqa: F401 - importing registers the step
from mace.screening import demo as screening_demo  # noqa: F401 - importing registers the step

from . import organisation, people  # noqa: F401 - importing registers the steps
from .organisation import DEMO_PASSWORD, demo_accounts
from .registry import STEPS, DemoContext

__all__ = ["DEMO_PASSWORD", "demo_accounts", "generate"]


def generate(*, children: int, seed: int, progress: Any = None) -> dict[str, int]:
    """Deterministic for a given seed and day: the same people, relationships and mess."""
    ctx = DemoContext(
        rng=random.Random(seed),
        children=children,
        today=timezone.localdate(),
        now=timezone.now().replace(microsecond=0),
        actor=Actor.system("demo-generator"),
        progress=progress,
    )
    summary: dict[str, int] = {}
    for s in STEPS:
        # Each step draws from its own stream, so one step's output does not depend on what
        # another step found already in the database.
        ctx.rng = random.Random(f"{seed}:{s.name}")
        summary.update(s.run(ctx))
    # Fresh statistics, so the query planner knows which indexes are selective on the new data.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return summary
