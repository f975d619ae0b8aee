"""The periods leaders read figures for: a calendar month, a quarter or twelve months, in London time.

A period is [start, end) in dates; `bounds()` gives the UTC instants the database compares with. Periods are
named in query strings as `month:2026-11`, `quarter:2026-10` (the quarter's first month) and
`year:2026-11` (the twelve months ending with that month). A period that has not ended is refused: leaders
compare complete periods, and the current one is shown as "this month so far" only where a page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone

from mace.core import clocks

KINDS = {"month": 1, "quarter": 3, "year": 12}
LABELS = {"month": "Month", "quarter": "Quarter", "year": "12 months"}


class PeriodError(ValueError):
    """A period that cannot be read: its reason is fit to show the user."""


def add_months(month: date, n: int) -> date:
    """The first of the month n months after (or before) the month of `month`."""
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date  # the first day
    end: date  # the day after the last

    @classmethod
    def ending(cls, kind: str, last_month: date) -> Period:
        """The period of this kind whose last month is `last_month` (quarters end in Mar, Jun, Sep, Dec)."""
        if kind not in KINDS:
            raise PeriodError(f"The period must be one of: {', '.join(KINDS)}")
        last = date(last_month.year, last_month.month, 1)
        if kind == "quarter":
            last = add_months(last, (3 - last.month % 3) % 3)
        end = add_months(last, 1)
        return cls(kind, add_months(end, -KINDS[kind]), end)

    @classmethod
    def parse(cls, text: str, *, today: date | None = None) -> Period:
        """`month:2026-11`, `quarter:2026-10` or `year:2026-11`; refused if it has not ended by today."""
        kind, _, month_text = (text or "").partition(":")
        try:
            year, month = (int(part) for part in month_text.split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise PeriodError("Give the period as month:YYYY-MM, quarter:YYYY-MM or year:YYYY-MM") from None
        if kind == "quarter" and first.month % 3 != 1:
            raise PeriodError("A quarter starts in January, April, July or October")
        last = add_months(first, 2) if kind == "quarter" else first
        period = cls.ending(kind, last)
        today = today or timezone.localdate()
        if period.end > today:
            raise PeriodError(f"{period.label} has not ended yet: choose a period that has")
        return period

    @property
    def key(self) -> str:
        """The period's name in a query string, the inverse of `parse`."""
        first = self.start if self.kind != "year" else add_months(self.end, -1)
        return f"{self.kind}:{first:%Y-%m}"

    @property
    def last_month(self) -> date:
        return add_months(self.end, -1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        last = self.last_month
        if self.kind == "quarter":
            return f"{self.start:%B} to {last:%B %Y}"
        return f"12 months to {last:%B %Y}"

    def shifted(self, months: int) -> Period:
        return Period(self.kind, add_months(self.start, months), add_months(self.end, months))

    @property
    def previous(self) -> Period:
        return self.shifted(-KINDS[self.kind])

    @property
    def year_ago(self) -> Period:
        return self.shifted(-12)

    def months(self) -> list[date]:
        out, month = [], self.start
        while month < self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: midnight in London at each end."""
        return _midnight(self.start), _midnight(self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clocks.LONDON).astimezone(UTC)


def latest_complete(kind: str, *, today: date | None = None) -> Period:
    """The most recent period of this kind that has ended."""
    today = today or timezone.localdate()
    period = Period.ending(kind, add_months(date(today.year, today.month, 1), -1))
    while period.end > today:
        period = period.previous
    return period


def trend(period: Period, points: int = 12) -> list[Period]:
    """Periods of the same kind ending with `period`, oldest first: monthly points for a month or 12
    months (a rolling year per month), quarterly points for a quarter."""
    step = 3 if period.kind == "quarter" else 1
    return [period.shifted(-step * i) for i in range(points - 1, -1, -1)]
