"""Periodic jobs: each module registers its own, and `mace worker` runs them all on every tick.

A module registers a job in its `AppConfig.ready()`:

    jobs.register("front door: escalate before a breach", escalate_before_breach)

A job takes the tick's time and returns how many things it did. Jobs are written to be run again: each
tick does what is due and skips what is done. So a job that fails (a bug, a lost connection, SQLite's
"database is locked" while an import holds the write lock) is logged and simply runs again on the next
tick; it never stops the other jobs or the loop (decision 0011).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

Job = Callable[[datetime], int]
JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> Job:
    JOBS[name] = job
    return job


@dataclass
class TickReport:
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # job name: the error, one line


def _fresh_connection() -> None:
    """Drop a connection a failure has left unusable, as Django does between requests.

    Inside an outer transaction (a test's) the connection belongs to its owner and is left alone."""
    if not connection.in_atomic_block:
        close_old_connections()


def run_tick(now: datetime | None = None, *, jobs: Mapping[str, Job] | None = None) -> TickReport:
    """Run every job once, each on its own: one failing is logged and the others still run."""
    now = now or timezone.now()
    report = TickReport()
    for name, job in (JOBS if jobs is None else jobs).items():
        _fresh_connection()
        try:
            report.done[name] = job(now)
        except Exception as exc:
            logger.exception("Periodic job %r failed; it runs again on the next tick", name)
            report.failed[name] = f"{type(exc).__name__}: {exc}"
            _fresh_connection()
    return report


def run_forever(
    *,
    interval: float,
    jobs: Callable[[], Mapping[str, Job]] = lambda: JOBS,
    on_tick: Callable[[TickReport], None] | None = None,
    ticks: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Tick every `interval` seconds until stopped (`ticks` bounds it, for tests). Only a signal ends it."""
    done = 0
    while ticks is None or done < ticks:
        report = run_tick(jobs=jobs())
        if on_tick is not None:
            on_tick(report)
        done += 1
        if ticks is None or done < ticks:
            sleep(interval)
