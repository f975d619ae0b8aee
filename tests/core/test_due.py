"""What is due for a child, gathered from every registered source, soonest (most overdue) first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mace.core import clocks, due


def test_items_from_every_source_come_most_overdue_first(monkeypatch: Any) -> None:
    later = due.Due("Later", datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    overdue = due.Due("Overdue", datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    soon = due.Due("Soon", datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(due, "SOURCES", {"a": lambda person: [later, overdue], "b": lambda person: [soon]})
    assert [d.title for d in due.for_person(object())] == ["Overdue", "Soon", "Later"]


def test_a_date_deadline_runs_to_the_end_of_that_uk_day() -> None:
    end = due.end_of_day(date(2026, 7, 1))
    assert end.astimezone(clocks.LONDON).date() == date(2026, 7, 1)
    assert due.Due("x", end).overdue(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) is False
    assert due.Due("x", end).overdue(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) is True
