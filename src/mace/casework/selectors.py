"""Reading casework: every function takes the user. A child's casework is opened through
`people.selectors.person_for_user` (the read is logged; forbidden and missing are the same
`PersonNotFound`); team and partnership figures are scoped to the user's team and partnerships,
and aggregate roles get counts without any child's name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from mace.accounts.models import Team
from mace.accounts.selectors import agency_partnership_ids, figure_partnership_ids
from mace.core.access import capabilities
from mace.frontdoor.selectors import Rate
from mace.people.models import Involvement, Person
from mace.people.selectors import PersonNotFound, person_for_user, visible_to

from . import figures
from .models import CaseloadSnapshot, Placement, SessionAttendance, Supervision, TimetableSession, Visit
from .services import _planned, sessions_in_week, unheard

TIMETABLE_WEEKS = 13  # a term


def targets() -> tuple[int, int]:
    return settings.MACE_TIMETABLE_SESSIONS_TARGET, settings.MACE_TUITION_HOURS_TARGET


# A child's casework --------------------------------------------------------------------------------


@dataclass
class ChildCasework:
    person: Person
    visits: list[Visit]
    supervisions: list[Supervision]
    supervision_shown: bool
    last_heard: tuple[datetime, str] | None
    voice_overdue: bool
    worker: Any
    supervision_due: date | None
    timetable_sessions: int


def child_casework(user: Any, person_id: int) -> ChildCasework:
    person, _ = person_for_user(user, person_id)
    today = timezone.localdate()
    heard = unheard([person.pk], today)
    from mace.core import voice

    last = voice.last_heard([person.pk]).get(person.pk)
    allocation = (
        Involvement.objects.filter(person=person, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True)
        .select_related("worker", "team")
        .order_by("-started_at")
        .first()
    )
    supervisions = list(
        Supervision.objects.filter(person=person).prefetch_related("actions").order_by("-held_on", "-pk")[:20]
    )
    # Supervision is the allocated team's management record: partners see visits, not supervision.
    allocated_team = allocation is not None and allocation.team_id == user.team_id
    shown = supervisions if allocated_team else []
    due = None
    if allocation is not None and allocation.worker_id:
        due = figures.supervision_due(
            allocation.started_at.astimezone(timezone.get_current_timezone()).date(),
            supervisions[0].held_on if supervisions else None,
            settings.MACE_SUPERVISION_WORKING_DAYS,
        )
    return ChildCasework(
        person=person,
        visits=list(Visit.objects.filter(person=person).order_by("-visited_on", "-pk")[:50]),
        supervisions=shown,
        supervision_shown=allocated_team,
        last_heard=last,
        voice_overdue=person.pk in heard,
        worker=allocation.worker if allocation else None,
        supervision_due=due,
        timetable_sessions=TimetableSession.objects.filter(person=person).count(),
    )


def person_for_casework(user: Any, person_id: int, *, purpose: str) -> Person:
    person, _ = person_for_user(user, person_id, purpose=purpose)
    return person


# The activity timetable ----------------------------------------------------------------------------


def session_for_casework(user: Any, person_id: int, session_id: int, *, purpose: str) -> TimetableSession:
    """One of the child's timetable sessions, the child opened (and the read logged) as for any
    casework; a session of another child is not found."""
    person = person_for_casework(user, person_id, purpose=purpose)
    session = TimetableSession.objects.select_related("person").filter(person=person, pk=session_id).first()
    if session is None:
        raise PersonNotFound()
    return session


@dataclass
class TimetableView:
    person: Person
    sessions: list[TimetableSession]
    weeks: list[figures.WeekFigures]
    placements: list[Placement]
    sessions_target: int
    tuition_target: int
    below: int = 0
    recorded: int = 0


def timetable_figures(
    person: Person, weeks: list[date]
) -> tuple[list[TimetableSession], list[figures.WeekFigures], list[Placement]]:
    """The figures for each week, reproducible from the session and attendance records alone."""
    sessions = list(TimetableSession.objects.filter(person=person).order_by("weekday", "starts_at", "pk"))
    planned = [_planned(s) for s in sessions]
    marks = {
        (a.session_id, a.week_starting): a.attended
        for a in SessionAttendance.objects.filter(session__person=person, week_starting__in=weeks)
    }
    placements = list(Placement.objects.filter(person=person).order_by("started_on", "pk"))
    rows = []
    for week in weeks:
        row = figures.week_figures(planned, marks, week)
        row.moves = [
            f"{p.get_kind_display()}: {p.description} ({p.started_on:%-d %b})"
            for p in placements
            if week <= p.started_on < week + timedelta(days=7)
        ]
        rows.append(row)
    return sessions, rows, placements


def timetable_view(user: Any, person_id: int, *, until: date | None = None) -> TimetableView:
    person, _ = person_for_user(user, person_id)
    last = figures.monday(until or timezone.localdate())
    weeks = [last - timedelta(weeks=i) for i in range(TIMETABLE_WEEKS)]
    sessions, rows, placements = timetable_figures(person, weeks)
    sessions_target, tuition_target = targets()
    return TimetableView(
        person=person,
        sessions=sessions,
        weeks=rows,
        placements=placements,
        sessions_target=sessions_target,
        tuition_target=tuition_target,
        below=sum(1 for r in rows if r.below_target(sessions_target, tuition_target)),
        recorded=sum(1 for r in rows if r.recorded),
    )


@dataclass
class WeekForm:
    person: Person
    week: date
    sessions: list[TimetableSession]
    marks: dict[int, SessionAttendance]


def timetable_week(user: Any, person_id: int, week: date) -> WeekForm:
    person, _ = person_for_user(user, person_id)
    sessions = sessions_in_week(person, week)
    marks = {
        a.session_id: a for a in SessionAttendance.objects.filter(session__in=sessions, week_starting=week)
    }
    return WeekForm(person=person, week=week, sessions=sessions, marks=marks)


# Voice of the child --------------------------------------------------------------------------------


@dataclass
class VoiceFlag:
    person: Person
    worker: Any
    last_heard: tuple[datetime, str] | None


def voice_flags(user: Any, *, limit: int = 200) -> list[VoiceFlag]:
    """The user's allocated children (a manager: the team's) whose records lack their recent voice."""
    caps = capabilities(user)
    if not caps.records or not user.team_id:
        return []
    allocations = Involvement.objects.filter(
        kind=Involvement.Kind.ALLOCATED,
        ended_at__isnull=True,
        team_id=user.team_id,
        person__in=visible_to(user),
    ).select_related("person", "worker")
    if not caps.supervise:
        allocations = allocations.filter(worker_id=user.pk)
    rows = list(allocations.order_by("person__family_key", "person__given_key", "pk"))
    flagged = unheard(sorted({i.person_id for i in rows}), timezone.localdate())
    seen: set[int] = set()
    out = []
    for inv in rows:
        if inv.person_id in flagged and inv.person_id not in seen:
            seen.add(inv.person_id)
            out.append(VoiceFlag(inv.person, inv.worker, flagged[inv.person_id]))
    return out[:limit]


# Supervision compliance ----------------------------------------------------------------------------


@dataclass
class Overdue:
    person: Person
    worker: Any
    due: date
    last_held: date | None


@dataclass
class SupervisionOverview:
    today: date
    every: int
    overall: Rate
    by_team: list[Rate]
    by_worker: list[Rate] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)


def _compliance_rows(
    allocations: list[Involvement], today: date
) -> list[tuple[Involvement, date, date | None]]:
    last = dict(
        Supervision.objects.filter(person_id__in={i.person_id for i in allocations})
        .values("person_id")
        .annotate(last=Max("held_on"))
        .values_list("person_id", "last")
    )
    tz = timezone.get_current_timezone()
    every = settings.MACE_SUPERVISION_WORKING_DAYS
    return [
        (
            i,
            figures.supervision_due(i.started_at.astimezone(tz).date(), last.get(i.person_id), every),
            last.get(i.person_id),
        )
        for i in allocations
    ]


def supervision_compliance(allocations: list[Involvement], today: date) -> dict[str, Any]:
    """Children with an allocated worker whose supervision is in date, by team and by worker."""
    rows = _compliance_rows(allocations, today)
    met = sum(figures.in_date(due, today) for _, due, _ in rows)
    teams = figures.compliance_by(((inv.team.name, due) for inv, due, _ in rows), today)
    workers = figures.compliance_by(((str(inv.worker), due) for inv, due, _ in rows), today)
    return {
        "rows": rows,
        "overall": Rate("All children with an allocated worker", met, len(rows), ""),
        "by_team": [Rate(k, m, t, "") for k, (m, t) in sorted(teams.items())],
        "by_worker": [Rate(k, m, t, "") for k, (m, t) in sorted(workers.items())],
    }


def _allocations(team_filter: Q) -> list[Involvement]:
    return list(
        Involvement.objects.filter(
            team_filter, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True, person__archived_at=None
        )
        .exclude(worker=None)
        .select_related("team", "worker", "person")
        .order_by("pk")
    )


def _figure_partnerships(user: Any) -> list[int]:
    """A reader of partnership figures sees the partnerships the one rule allows; a supervisor without
    them, their own."""
    return figure_partnership_ids(user) if capabilities(user).aggregates else agency_partnership_ids(user)


def supervision_overview(user: Any, *, today: date | None = None) -> SupervisionOverview | None:
    caps = capabilities(user)
    if not (caps.supervise or caps.aggregates):
        return None
    today = today or timezone.localdate()
    partnership = _allocations(Q(team__partnership_id__in=_figure_partnerships(user)))
    whole = supervision_compliance(partnership, today)
    overview = SupervisionOverview(
        today=today,
        every=settings.MACE_SUPERVISION_WORKING_DAYS,
        overall=whole["overall"],
        by_team=whole["by_team"],
    )
    if caps.supervise and user.team_id:
        mine = [i for i in partnership if i.team_id == user.team_id]
        own = supervision_compliance(mine, today)
        overview.by_worker = own["by_worker"]
        overview.overdue = sorted(
            (
                Overdue(i.person, i.worker, due, last)
                for i, due, last in own["rows"]
                if not figures.in_date(due, today)
            ),
            key=lambda o: (o.due, o.person.family_key),
        )
    return overview


# Caseloads -----------------------------------------------------------------------------------------


@dataclass
class Caseloads:
    by_team: list[tuple[str, int]]
    by_worker: list[tuple[str, int]]
    months: list[date]
    trend: list[tuple[date, int]]  # partnership total per month
    team_trend: list[tuple[str, list[int]]]  # each team's count per month
    worker_trend: list[tuple[str, list[int]]]  # the manager's own team, by worker
    team_name: str = ""


def caseloads(user: Any, *, months: int = 12) -> Caseloads | None:
    caps = capabilities(user)
    if not (caps.supervise or caps.aggregates):
        return None
    partnerships = _figure_partnerships(user)
    teams = {t.pk: t.name for t in Team.objects.filter(partnership_id__in=partnerships)}
    live = Involvement.objects.filter(
        kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True, team_id__in=teams, person__archived_at=None
    )
    by_team: dict[str, int] = defaultdict(int)
    for row in live.values("team_id").annotate(n=Count("person_id", distinct=True)):
        by_team[teams[row["team_id"]]] = row["n"]
    by_worker: dict[str, int] = {}
    own_team = caps.supervise and user.team_id in teams
    if own_team:
        for inv in live.filter(team_id=user.team_id).select_related("worker"):
            key = str(inv.worker) if inv.worker else "Team (no named worker)"
            by_worker[key] = by_worker.get(key, 0) + 1
    first = timezone.localdate().replace(day=1)
    wanted = []
    m = first
    for _ in range(months):
        wanted.append(m)
        m = (m - timedelta(days=1)).replace(day=1)
    wanted.reverse()
    snaps = list(
        CaseloadSnapshot.objects.filter(month__in=wanted, team_id__in=teams).select_related("worker")
    )
    total: dict[date, int] = defaultdict(int)
    per_team: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    per_worker: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for s in snaps:
        total[s.month] += s.children
        per_team[teams[s.team_id]][s.month] += s.children
        if own_team and s.team_id == user.team_id:
            key = str(s.worker) if s.worker else "Team (no named worker)"
            per_worker[key][s.month] += s.children
    return Caseloads(
        by_team=sorted(by_team.items()),
        by_worker=sorted(by_worker.items()),
        months=wanted,
        trend=[(m, total.get(m, 0)) for m in wanted],
        team_trend=[(name, [counts.get(m, 0) for m in wanted]) for name, counts in sorted(per_team.items())],
        worker_trend=[
            (name, [counts.get(m, 0) for m in wanted]) for name, counts in sorted(per_worker.items())
        ],
        team_name=teams.get(user.team_id, "") if own_team else "",
    )


def home_summary(user: Any) -> dict[str, Any]:
    """What the home page shows of casework: children not heard recently, and overdue supervision."""
    caps = capabilities(user)
    out: dict[str, Any] = {"voice_days": settings.MACE_VOICE_DAYS}
    out["since"] = timezone.localdate() - timedelta(days=settings.MACE_VOICE_DAYS)
    out["voice"] = voice_flags(user) if caps.records else []
    if caps.supervise:
        overview = supervision_overview(user)
        out["overdue"] = len(overview.overdue) if overview else 0
    return out


__all__ = ["PersonNotFound"]


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnPlacement:
    person_id: int
    kind: str
    started_on: date


def placements_for_returns(partnership_id: int) -> list[ReturnPlacement]:
    """Every placement of the partnership's children, in order."""
    rows = (
        Placement.objects.filter(person__partnership_id=partnership_id)
        .order_by("person_id", "started_on", "pk")
        .values_list("person_id", "kind", "started_on")
    )
    return [ReturnPlacement(p, k, s) for p, k, s in rows.iterator(chunk_size=5000)]
