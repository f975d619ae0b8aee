"""The morning list's rows as a download shows them: the page's columns as plain cells, in its order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mace.core import clocks

MORNING_HEAD = [
    "Child",
    "Identified",
    "Missing for",
    "Risk",
    "Missing or absent",
    "Flags",
    "Allocated worker",
    "Strategy meeting (48 hours)",
    "Trigger plan",
    "Last seen",
    "Strategy meeting due by",
]
RISK = {1: "Low risk", 2: "Medium risk", 3: "High risk"}


def strategy_rag(row: Any, now: datetime) -> clocks.RagStatus:
    return clocks.rag(row.episode.strategy_due_at, now, started=row.episode.last_seen_at)


def strategy_text(row: Any, now: datetime) -> str:
    """The strategy column's tag in words: held, required now, overdue, or due in so long."""
    if row.strategy_state == "held":
        return "Held"
    if row.strategy_state == "required":
        return "Required now"
    if strategy_rag(row, now) is clocks.RagStatus.BREACHED:
        return "Overdue"
    return f"Due in {clocks.format_time_left(row.strategy_left)}"


def morning_export_row(row: Any, now: datetime) -> list[Any]:
    e = row.episode
    return [
        e.child_name,
        "Yes" if e.person_id else "Not yet identified",
        row.missing_for_text,
        RISK.get(e.risk, ""),
        f"{e.get_category_display()}, {e.get_setting_display().lower()}",
        ", ".join(row.flags) or "No flags",
        row.allocated,
        strategy_text(row, now),
        "Yes" if row.trigger_plan else "No",
        e.last_seen_at,
        e.strategy_due_at,
    ]
