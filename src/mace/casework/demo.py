"""The casework part of the synthetic partnership: visits (most with the child's words, some
without, so the voice flags have children to show), a term of timetables for children not in
full-time education (some weeks below target, a placement move that knocks attendance back),
case supervision roughly every four weeks with some children left overdue, and a year of monthly
caseload snapshots taken from the allocation history."""

from __future__ import annotations

import functools
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings

from mace.accounts.models import Role, User
from mace.core import clocks
from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step
from mace.people.models import ChronologyEvent, Involvement

from . import figures
from .models import (
    Placement,
    SessionAttendance,
    Supervision,
    SupervisionAction,
    TimetableSession,
    Visit,
)
from .services import month_start, snapshot_caseloads

WORDS = [
    "I like it at my nan's, it's quiet there.",
    "I don't want to go back to that school, everyone knows what happened.",
    "They're my mates, they look out for me.",
    "I'm fine. I just want people to stop asking.",
    "I felt scared when they came to the house.",
    "Football on Thursdays is the best bit of my week.",
    "I want to see my little brother more.",
    "Nobody listens when I say I don't like the placement.",
]
OBSERVATIONS = [
    "Bedroom tidy; new trainers and a second phone seen, which the child would not explain.",
    "Child quiet and tired; carer reports late nights and missed curfew twice this week.",
    "Warm relationship with carer observed. Child engaged well and talked about college.",
    "Child not at home at the agreed time; carer unsure where they were.",
    "Discussed safety plan; child able to name two trusted adults.",
]
PLACES = ["Child's home", "School", "Foster carer's home", "Children's home", "Café in town", "Youth centre"]
PROVIDERS = {
    "education": ["Eastshire Pupil Referral Unit", "Halbury Alternative Provision"],
    "tuition": ["Eastshire Home Tuition Service"],
    "youth_work": ["Eastbridge Youth Club", "Detached youth work team"],
    "sport": ["Warrenford Boxing Club", "Eastshire FC community programme"],
    "other": ["Art therapy group", "Duke of Edinburgh group"],
}
ANALYSES = {
    "yes": "Missing episodes have stopped since the plan started and the child is attending tuition. Safer.",
    "partly": "Education engagement is up, but the child is still seen with older associates. Partly safer.",
    "no": "Two missing episodes since the last supervision and no education. The plan is not working.",
}
TERM_WEEKS = 13


# The clock is pure, and a year of supervision asks it the same few thousand questions many times over.
_add_working_days = functools.lru_cache(maxsize=None)(clocks.add_working_days)


def _noon(d: date) -> datetime:
    return datetime.combine(d, time(12), tzinfo=clocks.LONDON).astimezone(UTC)


@step(54, "casework")
def build_casework(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    today = ctx.today
    partnership = ctx.org["partnerships"][MAIN]
    allocations = list(
        Involvement.objects.filter(
            kind=Involvement.Kind.ALLOCATED,
            ended_at__isnull=True,
            team__partnership=partnership,
            person_id__in=ctx.child_ids,
        )
        .exclude(worker=None)
        .select_related("worker", "team")
        .order_by("pk")
    )
    if not allocations:
        ctx.task("Visits, supervision, timetables and caseloads", 0)
        return {}
    # Each allocated child's visits and supervision, then the timetables and twelve snapshots.
    advance = ctx.task("Visits, supervision, timetables and caseloads", len(allocations) + 1 + 24)
    managers = {
        u.team_id: u
        for u in User.objects.filter(role_assignments__role=Role.TEAM_MANAGER, team__partnership=partnership)
    }
    label = ctx.actor.label
    visits: list[Visit] = []
    events: list[ChronologyEvent] = []
    supervisions: list[Supervision] = []
    every = settings.MACE_SUPERVISION_WORKING_DAYS
    for inv in allocations:
        advance(1)
        worker: Any = inv.worker
        started = inv.started_at.astimezone(clocks.LONDON).date()
        # Visits: every two to five weeks since allocation; about a third never record the child's words.
        quiet = rng.random() < 0.3
        d = started + timedelta(days=rng.randint(1, 10))
        while d < today:  # history only: a visit at noon today may not have happened yet
            seen = rng.random() < 0.9
            words = rng.choice(WORDS) if seen and not quiet and rng.random() < 0.8 else ""
            visits.append(
                bulk.row(
                    Visit,
                    person_id=inv.person_id,
                    visited_on=d,
                    by=worker,
                    by_label=worker.get_full_name(),
                    agency_id=inv.team.agency_id,
                    seen=seen,
                    seen_alone=seen and rng.random() < 0.6,
                    place=rng.choice(PLACES),
                    child_words=words,
                    observations=rng.choice(OBSERVATIONS),
                    recorded_at=_noon(d),
                )
            )
            events.append(
                bulk.row(
                    ChronologyEvent,
                    person_id=inv.person_id,
                    kind=ChronologyEvent.Kind.VISIT,
                    occurred_at=_noon(d),
                    agency_id=inv.team.agency_id,
                    title=f"Visit: child {'seen' if seen else 'not seen'}",
                    body=f"The child said: {words}" if words else "",
                    actor_label=label,
                )
            )
            d += timedelta(days=rng.randint(14, 35))
        # Supervision: roughly every 20 working days, a little late sometimes; some stop (overdue now).
        manager = managers.get(inv.team_id)
        stops = today - timedelta(days=rng.randint(35, 120)) if rng.random() < 0.2 else today
        d = _add_working_days(started, rng.randint(10, every + 3))
        while d < min(stops, today):
            safer = rng.choices(["yes", "partly", "no"], weights=[5, 4, 2])[0]
            supervisions.append(
                bulk.row(
                    Supervision,
                    person_id=inv.person_id,
                    worker=worker,
                    manager=manager,
                    manager_label=manager.get_full_name() if manager else f"{inv.team.name} manager",
                    held_on=d,
                    attendees=f"{worker.get_full_name()} (social worker); team manager",
                    reflection="Reviewed the plan, recent visits and partner information.",
                    safer=safer,
                    analysis=ANALYSES[safer],
                    next_due_on=_add_working_days(d, every),
                    recorded_at=_noon(d),
                )
            )
            d = _add_working_days(d, rng.randint(every - 4, every + 4))
    bulk.create(Visit, visits)
    made = bulk.create(Supervision, supervisions)
    bulk.create(
        SupervisionAction,
        [
            bulk.row(
                SupervisionAction,
                supervision=s,
                text=rng.choice(
                    ["Update the safety plan", "Arrange a strategy meeting", "Visit with police"]
                ),
                owner=s.worker.get_full_name(),
                due_on=s.held_on + timedelta(days=14),
            )
            for s in made
            if rng.random() < 0.7
        ],
    )
    for s in made:
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=s.person_id,
                kind=ChronologyEvent.Kind.PLAN,
                occurred_at=_noon(s.held_on),
                title=f"Case supervision: {s.get_safer_display()}",
                body=s.analysis,
                actor_label=label,
            )
        )
    sessions, attendance, placements = _timetables(ctx, rng, allocations)
    bulk.create(ChronologyEvent, events)
    bulk.log_created(ctx.actor, "visit", visits)
    bulk.log_created(ctx.actor, "supervision", made)
    advance(1)
    # Two years of monthly caseload snapshots, from the allocation history.
    snapshots = 0
    m = month_start(today)
    for _ in range(24):
        snapshots += snapshot_caseloads(m, now=ctx.now)
        m = month_start(m - timedelta(days=1))
        advance(1)
    return {
        "Visits": len(visits),
        "Visits with the child's words": sum(1 for v in visits if v.child_words),
        "Case supervisions": len(made),
        "Timetable sessions": sessions,
        "Timetable attendance marks": attendance,
        "Placements": placements,
        "Caseload snapshots": snapshots,
    }


def _timetables(ctx: DemoContext, rng: random.Random, allocations: list[Involvement]) -> tuple[int, int, int]:
    """A term's timetable for children not in full-time education: those allocated and known to the
    inclusion team (so the education officer works with them), the demo social worker's first."""
    partnership = ctx.org["partnerships"][MAIN]
    inclusion = set(
        Involvement.objects.filter(
            team__code=f"{partnership.code}-inclusion", ended_at__isnull=True, person_id__in=ctx.child_ids
        ).values_list("person_id", flat=True)
    )
    demo_workers = {i.person_id for i in allocations if i.worker and i.worker.username == "socialworker"}
    candidates = sorted(
        {i.person_id for i in allocations if i.person_id in inclusion},
        key=lambda pid: (pid not in demo_workers, pid),
    )
    chosen = candidates[: max(3, len(candidates) // 4)]
    this_week = figures.monday(ctx.today)
    first_week = this_week - timedelta(weeks=TERM_WEEKS)
    label = "Inclusion and Attendance (demo)"
    sessions: list[TimetableSession] = []
    moves: dict[int, date] = {}
    placements: list[Placement] = []
    for index, pid in enumerate(chosen):
        placements.append(
            bulk.row(
                Placement,
                person_id=pid,
                kind=rng.choice(["home", "foster", "kinship"]),
                description="Family home, Eastbridge" if index % 2 else "Foster carer, Halbury",
                started_on=first_week - timedelta(days=rng.randint(60, 400)),
                recorded_by_label=label,
            )
        )
        if index % 2 == 0:  # half the children move placement mid-term
            moved = first_week + timedelta(weeks=rng.randint(4, 8), days=rng.randint(0, 4))
            moves[pid] = moved
            placements.append(
                bulk.row(
                    Placement,
                    person_id=pid,
                    kind=rng.choice(["residential", "foster", "supported"]),
                    description=rng.choice(
                        ["Oak House children's home, Warrenford", "Emergency foster placement, Westshire"]
                    ),
                    started_on=moved,
                    recorded_by_label=label,
                )
            )
        # Five weekday tuition hours, plus education, youth work and sport: 9 to 11 sessions a week.
        plan = [(wd, "tuition", time(9, 30), time(10, 30)) for wd in range(5)]
        plan += [
            (wd, "education", time(13, 0), time(15, 0)) for wd in rng.sample(range(5), k=rng.randint(2, 3))
        ]
        plan += [(rng.randint(0, 4), "youth_work", time(17, 0), time(19, 0))]
        plan += [(rng.choice([1, 3, 5]), "sport", time(18, 0), time(19, 30))]
        if rng.random() < 0.5:
            plan.append((rng.randint(0, 4), "other", time(11, 0), time(12, 0)))
        for wd, kind, start, end in plan:
            sessions.append(
                bulk.row(
                    TimetableSession,
                    person_id=pid,
                    weekday=wd,
                    starts_at=start,
                    ends_at=end,
                    kind=kind,
                    provider=rng.choice(PROVIDERS[kind]),
                    active_from=first_week,
                    created_by_label=label,
                )
            )
    made = bulk.create(TimetableSession, sessions)
    bulk.create(Placement, placements)
    marks: list[SessionAttendance] = []
    for s in made:
        pid = s.person_id
        for w in range(TERM_WEEKS):
            week = first_week + timedelta(weeks=w)
            day = week + timedelta(days=s.weekday)
            if day >= ctx.today:
                continue
            chance = 0.88
            move_on = moves.get(pid)
            if move_on and move_on <= day < move_on + timedelta(weeks=3):
                chance = 0.35  # a placement move breaks the timetable for a few weeks
            attended = rng.random() < chance
            marks.append(
                bulk.row(
                    SessionAttendance,
                    session=s,
                    week_starting=week,
                    attended=attended,
                    reason=""
                    if attended
                    else rng.choice(
                        ["Unwell", "Refused to go", "Missing from placement", "Transport not arranged"]
                    ),
                    recorded_by_label=label,
                    recorded_at=min(_noon(week + timedelta(days=4)), ctx.now),
                )
            )
    bulk.create(SessionAttendance, marks)
    return len(made), len(marks), len(placements)
