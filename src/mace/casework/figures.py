"""The arithmetic of casework, kept pure (no database) so it can be property-tested and reproduced:
a timetable week's figures against the 4.1b targets, and when case supervision is next due (5.3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from mace.core import clocks

TUITION = "tuition"


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


@dataclass(frozen=True)
class PlannedSession:
    id: int
    weekday: int
    minutes: int
    kind: str
    active_from: date
    active_until: date | None = None

    def runs_in(self, week: date) -> bool:
        day = week + timedelta(days=self.weekday)
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)


@dataclass
class WeekFigures:
    week: date
    planned: int
    attended: int
    missed: int
    unrecorded: int
    tuition_minutes: int
    moves: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        return self.attended + self.missed > 0

    @property
    def tuition_hours(self) -> float:
        return self.tuition_minutes / 60

    def below_target(self, sessions_target: int, tuition_hours_target: int) -> bool:
        """A recorded week in which the child attended fewer sessions, or less tuition, than expected."""
        return self.recorded and (
            self.attended < sessions_target or self.tuition_minutes < tuition_hours_target * 60
        )


def week_figures(
    sessions: Iterable[PlannedSession], marks: Mapping[tuple[int, date], bool], week: date
) -> WeekFigures:
    """`marks[(session id, week)]` is True if attended, False if not; absent if not recorded."""
    planned = attended = missed = tuition = 0
    for s in sessions:
        if not s.runs_in(week):
            continue
        planned += 1
        mark = marks.get((s.id, week))
        if mark is True:
            attended += 1
            if s.kind == TUITION:
                tuition += s.minutes
        elif mark is False:
            missed += 1
    return WeekFigures(
        week=week,
        planned=planned,
        attended=attended,
        missed=missed,
        unrecorded=planned - attended - missed,
        tuition_minutes=tuition,
    )


def supervision_due(allocated_on: date, last_held: date | None, every_working_days: int) -> date:
    """Due a fixed number of working days after the last supervision, or after allocation if none."""
    return clocks.add_working_days(last_held or allocated_on, every_working_days)


def in_date(due: date, today: date) -> bool:
    return today <= due


def compliance_by(rows: Iterable[tuple[str, date]], today: date) -> dict[str, tuple[int, int]]:
    """For (group, due date) rows, each group's (children in date, children) on `today`."""
    out: dict[str, tuple[int, int]] = {}
    for key, due in rows:
        met, total = out.get(key, (0, 0))
        out[key] = (met + in_date(due, today), total + 1)
    return out
