"""The rapid review clock: 15 working days from the partnership's notification of a serious incident
(Working Together), counted by the one clock service (weekends and England and Wales bank holidays are
not working days). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mace.core import clocks

RAPID_REVIEW_WORKING_DAYS = 15


def rapid_review_due(notified_on: date) -> date:
    return clocks.add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is on or before start)."""
    days, d = 0, start
    while d < end:
        d = clocks.next_working_day(d)
        if d <= end:
            days += 1
    return days


@dataclass(frozen=True)
class Timeliness:
    due: date
    done: date | None
    on_time: bool | None  # None while open and not yet late
    working_days: int  # taken (when done) or so far (when open)
    text: str


def timeliness(notified_on: date, completed_on: date | None, today: date) -> Timeliness:
    due = rapid_review_due(notified_on)
    if completed_on is not None:
        taken = working_days_between(notified_on, completed_on)
        on_time = completed_on <= due
        text = (
            f"Completed in {taken} working days: on time (due {due:%-d %B %Y})"
            if on_time
            else f"Completed in {taken} working days: late (due {due:%-d %B %Y})"
        )
        return Timeliness(due, completed_on, on_time, taken, text)
    so_far = working_days_between(notified_on, today)
    if today > due:
        return Timeliness(
            due, None, False, so_far, f"Overdue: due {due:%-d %B %Y}, {so_far} working days so far"
        )
    left = working_days_between(today, due)
    return Timeliness(due, None, None, so_far, f"Due {due:%-d %B %Y}: {left} working days left")
