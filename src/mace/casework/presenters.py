"""Caseloads as a download holds them: the page's tables as one, a row per team (now and month by month),
the partnership's total per month, and, for a manager, a row per worker in their team."""

from __future__ import annotations

from typing import Any

from mace.core.tabular import count


def caseloads_head(c: Any) -> list[str]:
    return ["Table", "Team or worker", "Now", *(m.strftime("%b %Y") for m in c.months)]


def caseloads_rows(c: Any, *, suppress: bool) -> list[list[Any]]:
    """The figures as the page shows them: for a reader who may not see names, 1 to 4 is "fewer than 5"
    (the workers' rows are only ever a manager's, who may)."""
    now = dict(c.by_team)
    trend = dict(c.team_trend)
    blank = [0] * len(c.months)
    rows: list[list[Any]] = []
    for name in sorted(set(now) | set(trend)):
        rows.append(
            [
                "By team",
                name,
                count(now[name], suppress=suppress) if name in now else "",
                *(count(n, suppress=suppress) for n in trend.get(name, blank)),
            ]
        )
    rows.append(["Partnership", "All teams", "", *(count(n, suppress=suppress) for _, n in c.trend)])
    workers_now = dict(c.by_worker)
    workers_trend = dict(c.worker_trend)
    for name in sorted(set(workers_now) | set(workers_trend)):
        rows.append(
            [
                f"By worker in {c.team_name}",
                name,
                workers_now.get(name, ""),
                *workers_trend.get(name, blank),
            ]
        )
    return rows
