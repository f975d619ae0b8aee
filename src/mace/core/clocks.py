"""Clock service: every timescale deadline the partnership works to.

Pure functions only (no I/O, no database, no Django) so the rules can be tested exhaustively
and reused anywhere. Every datetime must be timezone-aware; results come back in UTC, which is
how they are stored, while working days and hours are judged on the London wall clock.

Two kinds of clock are used on purpose:

* clock hours are real elapsed time (UTC arithmetic), so a 24-hour review that spans the
  October clock change is 24 real hours, not 25 wall-clock hours;
* working days and hours follow the front door's opening times in London and skip weekends
  and bank holidays in England (England and Wales share the same bank holidays).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_STANDARDS",
    "DEFAULT_WORKING_HOURS",
    "LONDON",
    "DecisionRule",
    "RagStatus",
    "Standards",
    "WorkingHours",
    "add_calendar_days",
    "add_calendar_months",
    "add_clock_hours",
    "add_working_days",
    "decision_due",
    "effective_received_at",
    "end_of_working_day",
    "format_time_left",
    "is_bank_holiday",
    "is_working_day",
    "minutes_share_due",
    "next_working_day",
    "rag",
    "review_due",
    "rhi_offer_due",
    "strategy_meeting_due",
    "time_left",
    "working_time_between",
]

LONDON: Final = ZoneInfo("Europe/London")

_ONE_DAY: Final = timedelta(days=1)
_ZERO: Final = timedelta(0)
_SATURDAY: Final = 5  # date.weekday(): Monday is 0


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """The front door's opening hours, as naive London wall-clock times (open inclusive, close exclusive)."""

    open: time = time(9, 0)
    close: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.open.tzinfo is not None or self.close.tzinfo is not None:
            raise ValueError("working hours are London wall-clock times; pass naive times")
        if not self.open < self.close:
            raise ValueError(f"working hours must open before they close: {self.open} >= {self.close}")


DEFAULT_WORKING_HOURS: Final = WorkingHours()

DecisionRule = Literal["same_working_day"]


@dataclass(frozen=True, slots=True)
class Standards:
    """The partnership's configurable timescales.

    Hours are clock hours (real elapsed time); ``minutes_share_days`` is calendar days.
    """

    review_hours: float = 24
    decision: DecisionRule = "same_working_day"
    strategy_meeting_missing_hours: float = 48
    rhi_offer_hours: float = 72
    minutes_share_days: int = 10
    working_hours: WorkingHours = field(default_factory=WorkingHours)

    def __post_init__(self) -> None:
        clock_hours = (
            ("review_hours", self.review_hours),
            ("strategy_meeting_missing_hours", self.strategy_meeting_missing_hours),
            ("rhi_offer_hours", self.rhi_offer_hours),
        )
        for name, value in clock_hours:
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of hours, got {value!r}")
        if self.minutes_share_days < 0:
            raise ValueError(f"minutes_share_days must not be negative, got {self.minutes_share_days!r}")
        # Standards may be built from configuration at runtime, so check the Literal for real.
        if self.decision != "same_working_day":
            raise ValueError(f"unsupported decision rule: {self.decision!r}")


DEFAULT_STANDARDS: Final = Standards()


class RagStatus(StrEnum):
    """Red/amber/green rating of how much of the allowed time has been used."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    BREACHED = "breached"


# --- helpers ---------------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    # A naive datetime is ambiguous (UTC? London?) and would silently give wrong deadlines.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def _require_date(value: date) -> None:
    # datetime is a subclass of date, but which calendar day it means depends on the timezone.
    if isinstance(value, datetime):
        raise TypeError("pass a date, not a datetime (convert to London time and take .date())")


def _london_at(day: date, wall_time: time) -> datetime:
    """The instant, in UTC, when the London wall clock shows ``wall_time`` on ``day``."""
    return datetime.combine(day, wall_time, tzinfo=LONDON).astimezone(UTC)


@lru_cache(maxsize=64)  # a few years are ever in play at once
def _bank_holidays(year: int) -> frozenset[date]:
    # Computed offline by the holidays package; includes substitute days and one-off holidays.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


# --- calendar ------------------------------------------------------------------------------------


def is_bank_holiday(d: date) -> bool:
    """True if ``d`` is a bank holiday in England and Wales (including substitute days)."""
    _require_date(d)
    return d in _bank_holidays(d.year)


def is_working_day(d: date) -> bool:
    """Monday to Friday and not a bank holiday."""
    _require_date(d)
    return d.weekday() < _SATURDAY and not is_bank_holiday(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    _require_date(d)
    d += _ONE_DAY
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def add_working_days(d: date, n: int) -> date:
    """Step ``n`` working days from ``d`` (backwards if negative); ``n == 0`` returns ``d`` unchanged."""
    _require_date(d)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def add_calendar_months(d: date, n: int) -> date:
    """The same day ``n`` calendar months later (earlier if negative), clamped to the month's last day:
    a month before 31 March is 28 (or 29) February. "A month without an update" is judged with this."""
    _require_date(d)
    index = d.year * 12 + d.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - _ONE_DAY).day
    return date(year, month, min(d.day, last))


# --- instants ------------------------------------------------------------------------------------


def effective_received_at(received_at: datetime, *, hours: WorkingHours = DEFAULT_WORKING_HOURS) -> datetime:
    """When a contact counts as received for working-day timescales.

    Out-of-hours contacts count from when the front door next opens: opening time the same day
    if it arrived before opening on a working day, otherwise opening time on the next working day.
    Within hours the receipt time is unchanged. Returns UTC.
    """
    _require_aware(received_at, "received_at")
    local = received_at.astimezone(LONDON)
    day, wall = local.date(), local.time()
    if is_working_day(day):
        if wall < hours.open:
            return _london_at(day, hours.open)
        if wall < hours.close:
            return received_at.astimezone(UTC)
    return _london_at(next_working_day(day), hours.open)


def end_of_working_day(received_at: datetime, *, hours: WorkingHours = DEFAULT_WORKING_HOURS) -> datetime:
    """Closing time (London) on the working day of the effective receipt. Returns UTC."""
    effective = effective_received_at(received_at, hours=hours)
    return _london_at(effective.astimezone(LONDON).date(), hours.close)


def add_clock_hours(start: datetime, hours: float) -> datetime:
    """``start`` plus ``hours`` of real elapsed time, ignoring clock changes. Returns UTC."""
    _require_aware(start, "start")
    if not math.isfinite(hours):
        raise ValueError(f"hours must be finite, got {hours!r}")
    return start.astimezone(UTC) + timedelta(hours=hours)


def add_calendar_days(start: datetime, days: int) -> datetime:
    """The same London wall-clock time ``days`` later. Returns UTC.

    Unlike clock hours this follows the wall clock across a clock change. A wall time that is
    repeated in October resolves to its first occurrence; one skipped in March moves an hour later.
    """
    _require_aware(start, "start")
    wall = start.astimezone(LONDON).replace(tzinfo=None) + timedelta(days=days)
    return wall.replace(tzinfo=LONDON, fold=0).astimezone(UTC)


def working_time_between(
    start: datetime, end: datetime, *, hours: WorkingHours = DEFAULT_WORKING_HOURS
) -> timedelta:
    """Working time (opening hours on working days) from ``start`` to ``end``; zero if end <= start."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    # Convert to UTC first: aware datetimes sharing a tzinfo compare and subtract by wall clock.
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    total = _ZERO
    if end_utc <= start_utc:
        return total
    day = start_utc.astimezone(LONDON).date()
    last = end_utc.astimezone(LONDON).date()
    while day <= last:
        if is_working_day(day):
            window_open = max(start_utc, _london_at(day, hours.open))
            window_close = min(end_utc, _london_at(day, hours.close))
            if window_close > window_open:
                total += window_close - window_open
        day += _ONE_DAY
    return total


# --- progress ------------------------------------------------------------------------------------


def time_left(due: datetime, now: datetime) -> timedelta:
    """Real time remaining until ``due``; negative once overdue."""
    _require_aware(due, "due")
    _require_aware(now, "now")
    return due.astimezone(UTC) - now.astimezone(UTC)


def rag(
    due: datetime,
    now: datetime,
    *,
    started: datetime,
    amber_fraction: float = 0.5,
    red_fraction: float = 0.8,
) -> RagStatus:
    """Rate progress against a deadline by the fraction of allowed time (``started`` to ``due``) used.

    AMBER from ``amber_fraction``, RED from ``red_fraction`` and at ``due`` itself, BREACHED after.
    """
    _require_aware(due, "due")
    _require_aware(now, "now")
    _require_aware(started, "started")
    if not 0 <= amber_fraction <= red_fraction <= 1:
        raise ValueError("fractions must satisfy 0 <= amber_fraction <= red_fraction <= 1")
    due_utc, now_utc, started_utc = due.astimezone(UTC), now.astimezone(UTC), started.astimezone(UTC)
    if now_utc > due_utc:
        return RagStatus.BREACHED
    allowed = due_utc - started_utc
    if allowed <= _ZERO:
        # No time was ever allowed, so nothing is left: as urgent as it gets short of a breach.
        return RagStatus.RED
    used = (now_utc - started_utc) / allowed
    if used >= red_fraction:
        return RagStatus.RED
    if used >= amber_fraction:
        return RagStatus.AMBER
    return RagStatus.GREEN


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def format_duration(delta: timedelta) -> str:
    """A length of time in words, the two largest units, truncated to the whole minute so it never
    overstates: "3 hours 20 minutes", "1 day 2 hours", "less than a minute". The sign is ignored."""
    total_minutes = abs(delta) // timedelta(minutes=1)
    days, rest = divmod(total_minutes, 24 * 60)
    whole_hours, minutes = divmod(rest, 60)
    if days:
        parts = [_plural(days, "day")] + ([_plural(whole_hours, "hour")] if whole_hours else [])
    elif whole_hours:
        parts = [_plural(whole_hours, "hour")] + ([_plural(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [_plural(minutes, "minute")]
    else:
        parts = ["less than a minute"]
    return " ".join(parts)


def format_time_left(delta: timedelta) -> str:
    """Human-readable time left, e.g. "3 hours 20 minutes left" or "overdue by 1 hour 5 minutes".

    Shows the two largest units and truncates to the whole minute, so it never overstates the
    time remaining.
    """
    text = format_duration(delta)
    return f"overdue by {text}" if delta < _ZERO else f"{text} left"


def on_time(done: datetime, due: datetime) -> bool:
    """Work finished at ``done`` met the deadline ``due`` (at the deadline itself counts as on time)."""
    _require_aware(done, "done")
    _require_aware(due, "due")
    return done.astimezone(UTC) <= due.astimezone(UTC)


def format_against_deadline(done: datetime, due: datetime) -> str:
    """How finished work stood against its deadline: "3 hours after the deadline",
    "20 minutes before the deadline", or "at the deadline"."""
    delta = time_left(due, done)
    if delta == _ZERO:
        return "at the deadline"
    return f"{format_duration(delta)} {'before' if delta > _ZERO else 'after'} the deadline"


# --- deadlines -----------------------------------------------------------------------------------


def review_due(received_at: datetime, standards: Standards = DEFAULT_STANDARDS) -> datetime:
    """Screening tool / VPA review deadline: clock hours from actual receipt (risk keeps no office hours)."""
    return add_clock_hours(received_at, standards.review_hours)


def decision_due(received_at: datetime, standards: Standards = DEFAULT_STANDARDS) -> datetime:
    """Decision deadline: end of the working day of the effective receipt.

    ``same_working_day`` is the only rule; ``Standards`` rejects anything else on construction.
    """
    return end_of_working_day(received_at, hours=standards.working_hours)


def strategy_meeting_due(missing_since: datetime, standards: Standards = DEFAULT_STANDARDS) -> datetime:
    """Strategy meeting deadline for a missing child: clock hours from when they went missing."""
    return add_clock_hours(missing_since, standards.strategy_meeting_missing_hours)


def rhi_offer_due(returned_at: datetime, standards: Standards = DEFAULT_STANDARDS) -> datetime:
    """Return home interview offer deadline: clock hours from the child's return."""
    return add_clock_hours(returned_at, standards.rhi_offer_hours)


def minutes_share_due(meeting_at: datetime, standards: Standards = DEFAULT_STANDARDS) -> datetime:
    """Deadline for sharing meeting minutes: calendar days after the meeting, same wall-clock time."""
    return add_calendar_days(meeting_at, standards.minutes_share_days)
