"""Minutes compliance as a download holds it: the page's tables as one (the overall figure, by team, by
team and month, by month), then the meetings whose minutes were late or never shared, newest first."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mace.core.disclosure import figure

COMPLIANCE_HEAD = ["Table", "Team", "Month", "Shared within 10 days", "Meeting", "Held", "Shared"]


def _grid_cell(rate: Any, *, suppress: bool) -> str:
    if rate is None:
        return "No meetings"
    if suppress:
        return figure(rate, suppress=True)
    return f"{rate.percent:.0f}% ({rate.met}/{rate.total})"


def compliance_rows(c: Any, *, suppress: bool) -> list[list[Any]]:
    """Each figure worded exactly as the page words it ("fewer than 5" for a reader who may not see names)."""
    rows: list[list[Any]] = [["Overall", "", "", figure(c.overall, suppress=suppress), "", "", ""]]
    rows += [["By team", team, "", figure(r, suppress=suppress), "", "", ""] for team, r in c.by_team]
    rows += [
        [
            "By team and month",
            team,
            mo,
            _grid_cell(c.by_team_month[team].get(mo), suppress=suppress),
            "",
            "",
            "",
        ]
        for team, _ in c.by_team
        for mo in c.months
    ]
    rows += [["By month", "", mo, figure(r, suppress=suppress), "", "", ""] for mo, r in c.by_month]
    for m in reversed(c.late):
        held = timezone.localtime(m.held_at)
        rows.append(
            [
                "Late or never shared",
                m.team.name,
                held.strftime("%b %Y"),
                "",
                m.get_kind_display(),
                held.date(),
                timezone.localtime(m.minutes_shared_at).date()
                if m.minutes_shared_at
                else "Not shared with everyone",
            ]
        )
    return rows
