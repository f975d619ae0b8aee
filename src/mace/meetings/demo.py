"""Meetings in the synthetic partnership: a strategy meeting for every front door strategy decision and
every 48-hour missing requirement, a monthly MACE panel, and plan reviews; every professional with the
child invited, the police officer on the rota, actions with owners. Minutes compliance differs by team
as inspectors found (from none to all) and improves over the two years.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from mace.accounts.models import Role, User
from mace.core import clocks
from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import HISTORY_DAYS, DemoContext, step
from mace.frontdoor.models import Task
from mace.missing.models import StrategyRequirement
from mace.people.models import Involvement, Person

from .models import Invitation, Meeting, MeetingAction, RotaSlot

# How good each team is at sharing minutes two years ago, and today (3.2c: "from 0% to 100% by team").
TEAM_COMPLIANCE = {
    "cin-1": (0.0, 0.6),
    "cin-2": (0.4, 0.9),
    "cp": (0.97, 1.0),
    "ce": (0.2, 0.85),
    "ifd": (0.6, 0.95),
}
PANELS = HISTORY_DAYS // 30  # a MACE panel a month over the history
DECISIONS = [
    "Threshold for section 47 met: joint investigation with police; disruption of the adults involved.",
    "Not a section 47 enquiry: continue the child and family assessment with a safety plan.",
    "Section 47 enquiry; child to stay with grandmother while enquiries continue.",
]
VOICES = ["I don't want the police at school.", "I feel safe at my nan's.", "They keep messaging me.", ""]


@step(50, "meetings")
def build_meetings(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    teams = ctx.org["teams"]
    partnership = ctx.org["partnerships"][MAIN]
    now = ctx.now
    start = now - timedelta(days=HISTORY_DAYS)
    officers = list(
        User.objects.filter(team=teams["police-vh"], role_assignments__role=Role.POLICE_OFFICER).order_by(
            "pk"
        )
    )
    rota = []
    for n in range(-HISTORY_DAYS, 15):
        day = (now + timedelta(days=n)).astimezone(clocks.LONDON).date()
        if officers and clocks.is_working_day(day):
            rota.append(RotaSlot(partnership=partnership, day=day, officer=officers[n % len(officers)]))
    RotaSlot.objects.bulk_create(rota, ignore_conflicts=True)
    on_rota = {
        s.day: s.officer for s in RotaSlot.objects.filter(partnership=partnership).select_related("officer")
    }
    csc = {code: teams[f"{MAIN}-{code}"] for code in TEAM_COMPLIANCE if f"{MAIN}-{code}" in teams}
    chairs = {
        code: (team.members.filter(role_assignments__role=Role.TEAM_MANAGER).first() or team.members.first())
        for code, team in csc.items()
    }
    allocated_team = dict(
        Involvement.objects.filter(
            person__partnership=partnership, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True
        ).values_list("person_id", "team_id")
    )
    code_of_team = {t.pk: code for code, t in csc.items()}

    # What needs a meeting: the front door's strategy tasks and the 48-hour requirements.
    needs: list[tuple[datetime, int, Any, Any]] = []
    for task in Task.objects.filter(
        kind=Task.Kind.STRATEGY, person__partnership=partnership, created_at__gte=start
    ):
        needs.append((task.created_at + timedelta(hours=rng.uniform(2, 20)), task.person_id, task, None))
    for req in StrategyRequirement.objects.filter(
        partnership=partnership, required_at__gte=start
    ).select_related("episode"):
        if req.episode.person_id:
            needs.append(
                (req.held_at or req.required_at + timedelta(hours=6), req.episode.person_id, None, req)
            )
    people = Person.objects.in_bulk({p for _, p, _, _ in needs})
    involvements: dict[int, list[Involvement]] = {}
    for inv in (
        Involvement.objects.filter(person_id__in=list(people), ended_at__isnull=True, worker__isnull=False)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .select_related("worker", "team")
    ):
        involvements.setdefault(inv.person_id, []).append(inv)

    advance = ctx.task("Generating strategy meetings and MACE panels", len(needs) + PANELS + 1)
    made: list[_Made] = []
    for when, person_id, task, requirement in sorted(needs, key=lambda n: n[0]):
        code = code_of_team.get(allocated_team.get(person_id, 0), "ifd")
        if code not in csc or chairs.get(code) is None:
            advance(1)
            continue
        made.append(
            _meeting(
                ctx,
                rng,
                partnership,
                Meeting.Kind.STRATEGY,
                when,
                csc[code],
                chairs[code],
                code,
                [people[person_id]],
                involvements.get(person_id, []),
                on_rota,
                task,
                requirement,
            )
        )
        advance(1)
    # A MACE panel every month reviewing the children at highest risk and the places they are found.
    panel_team = csc.get("ce") or next(iter(csc.values()))
    panel_code = code_of_team[panel_team.pk]
    high = list(people.values())[:40]
    for m in range(PANELS):
        when = datetime.combine(
            (start + timedelta(days=30 * m + 20)).astimezone(clocks.LONDON).date(),
            time(10),
            tzinfo=clocks.LONDON,
        ).astimezone(UTC)
        if when > now:
            advance(1)
            continue
        children = rng.sample(high, k=min(6, len(high)))
        invs = [i for c in children for i in involvements.get(c.pk, [])]
        made.append(
            _meeting(
                ctx,
                rng,
                partnership,
                Meeting.Kind.MACE,
                when,
                panel_team,
                chairs[panel_code],
                panel_code,
                children,
                invs,
                on_rota,
                None,
                None,
                places="Halbury bus station; the flat above the takeaway on Warrenford High Street",
            )
        )
        advance(1)
    _save(ctx, made)
    advance(1)
    return {"Meetings": len(made), "Police rota days": len(rota)}


@dataclass
class _Made:
    """One generated meeting and what hangs off it, before anything is written."""

    meeting: Meeting
    children: list[Person]
    invitations: list[Invitation]
    actions: list[MeetingAction]


def _save(ctx: DemoContext, made: list[_Made]) -> None:
    """Every meeting with its children, invitations and actions, a query per batch."""
    bulk.create(Meeting, [m.meeting for m in made])
    through = Meeting.children.through
    bulk.create(
        through,
        [
            through(meeting_id=m.meeting.pk, person_id=c.pk)
            for m in made
            for c in {c.pk: c for c in m.children}.values()
        ],
    )
    for m in made:
        for invitation in m.invitations:
            invitation.meeting = m.meeting
        for action in m.actions:
            action.meeting = m.meeting
    bulk.create(Invitation, [i for m in made for i in m.invitations])
    bulk.create(MeetingAction, [a for m in made for a in m.actions])
    bulk.log_created(ctx.actor, "meeting", [m.meeting for m in made])


def _meeting(
    ctx: DemoContext,
    rng: random.Random,
    partnership: Any,
    kind: str,
    when: datetime,
    team: Any,
    chair: Any,
    code: str,
    children: list[Person],
    involvements: list[Involvement],
    on_rota: dict[Any, Any],
    task: Any,
    requirement: Any,
    places: str = "",
) -> _Made:
    """A meeting as it was held (or is to be), in memory: `_save` writes them all at once."""
    now = ctx.now
    actions: list[MeetingAction] = []
    held = when < now - timedelta(hours=2)
    police = on_rota.get(when.astimezone(clocks.LONDON).date()) if kind == Meeting.Kind.STRATEGY else None
    meeting = Meeting(
        partnership=partnership,
        kind=kind,
        origin=Meeting.Origin.MISSING_48H
        if requirement
        else (Meeting.Origin.FRONT_DOOR if task else Meeting.Origin.PLANNED),
        task=task,
        requirement=requirement,
        places=places,
        purpose="Review the risk of exploitation and agree who does what."
        if kind == Meeting.Kind.MACE
        else "Significant harm suspected: decide on a section 47 enquiry.",
        scheduled_at=when,
        team=team,
        chair=chair,
        police_attendee=police,
        status=Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
        held_at=when if held else None,
        section_47=(rng.random() < 0.6) if held and kind == Meeting.Kind.STRATEGY else None,
        decision=rng.choice(DECISIONS) if held else "",
        child_voice=rng.choice(VOICES) if held else "",
        minutes_due_at=clocks.minutes_share_due(when) if held else None,
    )
    people = {chair.pk: (chair, "Chair")}
    for inv in involvements:
        if inv.worker and inv.worker.pk not in people:
            people[inv.worker.pk] = (inv.worker, f"{inv.get_kind_display()}: {inv.team.name}")
    if police is not None:
        people.setdefault(police.pk, (police, "Police (rota)"))
    invitations = [
        Invitation(
            meeting=meeting,
            user=u,
            agency_id=u.agency_id,
            role=role,
            invited_at=when - timedelta(days=1),
            attended=(rng.random() < 0.85) if held else None,
        )
        for u, role in people.values()
    ]
    if held:
        progress = (when - (now - timedelta(days=HISTORY_DAYS))) / timedelta(days=HISTORY_DAYS)
        early, late = TEAM_COMPLIANCE.get(code, (0.5, 0.9))
        on_time = rng.random() < early + (late - early) * progress
        days = rng.uniform(1, 9.5) if on_time else rng.uniform(11, 40)
        shared = when + timedelta(days=days)
        meeting.minutes = (
            "Present: see attendance. Discussion of risk, the child's views and the plan. " + meeting.decision
        )
        meeting.minutes_written_at = when + timedelta(days=min(days, 1))
        if shared < now:
            for i in invitations:
                i.minutes_shared_at = shared
            meeting.minutes_shared_at = shared
        actions = [
            MeetingAction(
                meeting=meeting,
                person=children[0] if children else None,
                description=text,
                owner=u,
                agency_id=u.agency_id,
                due_on=(when + timedelta(days=rng.randint(3, 20))).date(),
                completed_at=when + timedelta(days=rng.randint(2, 25)) if rng.random() < 0.75 else None,
            )
            for text, (u, _role) in zip(
                ["Visit the child at home", "Share intelligence on the adults involved", "Update the plan"],
                list(people.values())[:3],
                strict=False,
            )
        ]
    return _Made(meeting, children, invitations, actions)
