"""Collection years and snapshot dates for the statutory returns.

The DfE names a collection year by the year it ends: the 2026 CIN census (the 2025 to 2026 collection)
covers 1 April 2025 to 31 March 2026. A year that has not started is refused; a year in progress is
extracted up to today (the council reconciles before the census closes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


class YearError(ValueError):
    """The collection year asked for cannot be extracted: the message says why."""


@dataclass(frozen=True)
class CollectionYear:
    year: int  # the year it ends: 2026 for 1 April 2025 to 31 March 2026

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year} (1 April {self.year - 1} to 31 March {self.year})"

    def until(self, today: date) -> date:
        """The last day the extract counts: the year's end, or today while the year is in progress."""
        return min(self.end, today)

    def in_progress(self, today: date) -> bool:
        return self.start <= today < self.end

    @classmethod
    def parse(cls, text: str | int, *, today: date) -> CollectionYear:
        raw = str(text).strip()
        match = re.fullmatch(r"(?:(\d{4})\s*(?:-|to|/)\s*)?(\d{4}|\d{2})", raw)
        if not match:
            raise YearError(f"Enter the collection year as its end year, for example {current(today).year}")
        end = int(match.group(2))
        if end < 100:
            end += 2000
        if match.group(1) and int(match.group(1)) != end - 1:
            raise YearError(f"A collection year runs from April to March: {raw} is not one")
        if end < 2000 or end > 2100:
            raise YearError(f"{raw} is not a collection year MACE can extract")
        year = cls(end)
        if year.start > today:
            raise YearError(
                f"The {year.label} collection year has not started: it starts on 1 April {end - 1}"
            )
        return year


def current(today: date) -> CollectionYear:
    """The collection year today falls in."""
    return CollectionYear(today.year + 1 if today.month >= 4 else today.year)


def latest_complete(today: date) -> CollectionYear:
    year = current(today)
    return CollectionYear(year.year - 1) if today <= year.end else year


def six_months_before(day: date) -> date:
    """Annex A looks back six months from the date it is made."""
    month = day.month - 6
    year = day.year
    if month < 1:
        month += 12
        year -= 1
    while True:
        try:
            return date(year, month, day.day)
        except ValueError:
            day = day - timedelta(days=1)
