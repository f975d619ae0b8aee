"""The front door's part of the synthetic partnership: two years of contacts with the real weekly
pattern (police VPAs spike on Monday and Tuesday because of no weekend working), messy subjects,
duplicate submissions, partner information, decisions, approvals, tasks and the meetings.

Review timeliness starts near the 77% inspectors found and improves over the two years towards the 95%
target, so the performance page and the scorecard tell the story the partnership needs to see.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from mace.accounts.models import Team, User
from mace.core import clocks
from mace.core.models import Notification
from mace.demo import bulk
from mace.demo.mess import variant_record
from mace.demo.organisation import MAIN
from mace.demo.registry import HISTORY_DAYS, DemoContext, step
from mace.people import linkage
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Identifier, Involvement, Person, SourceRecord

from . import services, thresholds
from .models import Contact, FrontDoorMeeting, InformationRequest, MeetingAction, Task
from .services import ContactIn

DAYS = HISTORY_DAYS
WEEKDAY_WEIGHT = [1.7, 1.5, 1.0, 1.0, 0.9, 0.3, 0.3]  # Monday first
KIND_WEIGHT = {"vpa": 0.58, "screening": 0.12, "ed_referral": 0.08, "professional": 0.17, "public": 0.05}
DECISION_WEIGHT = {"referral": 0.25, "early_help": 0.30, "strategy": 0.08, "advice": 0.20, "nfa": 0.17}
SUMMARIES = {
    "vpa": [
        "Found in a car with two older males at 02:00, {town}. Had £{money} and two phones.",
        "Reported missing by carer overnight; returned with new trainers and would not say where.",
        "Stopped with older associates known for drug supply; cannabis found.",
        "Domestic incident at home; child present and distressed.",
        "Seen getting into cars with unknown adults near the bus station.",
    ],
    "screening": [
        "Screening tool completed by school: several CCE indicators, older boyfriend.",
        "Screening tool completed after ED attendance: unexplained injuries and cash.",
    ],
    "ed_referral": [
        "Attended ED intoxicated with an older adult who left before assessment.",
        "Self-harm presentation; disclosed being pressured to hold drugs.",
    ],
    "professional": [
        "School: attendance dropped to 60%, new expensive clothes, leaves at lunch.",
        "Youth worker: child says they are paid to deliver parcels out of area.",
    ],
    "public": [
        "Neighbour worried about a girl visiting a flat with older men late at night.",
        "Parent worried about messages from an adult on a gaming app.",
    ],
}
VOICES = [
    "I just want to go home and for it to stop.",
    "They're my mates, they look after me.",
    "I don't want to talk about it.",
    "I owe them money and they said they would hurt my mum.",
    "School is boring, I get more out of being with them.",
]
CONCERN_BY_KIND = {
    "vpa": [
        "missing",
        "found_out_of_area",
        "older_associates",
        "county_lines",
        "unexplained_money",
        "weapons",
    ],
    "screening": [
        "sexual_exploitation",
        "older_associates",
        "online_contact",
        "unexplained_money",
        "missing",
    ],
    "ed_referral": ["injuries", "substance_misuse", "sexual_health", "mental_health"],
    "professional": ["school_non_attendance", "behaviour_change", "unexplained_money", "gang_association"],
    "public": ["older_associates", "online_contact", "missing"],
}


def _received(rng: random.Random, day: date) -> datetime:
    out_of_hours = rng.random() < 0.25
    hour = rng.choice([0, 1, 2, 3, 6, 7, 18, 19, 20, 21, 22, 23]) if out_of_hours else rng.randrange(8, 17)
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=clocks.LONDON)


@step(30, "contacts")
def build_contacts(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    teams = ctx.org["teams"]
    staff = ctx.org["staff"]
    partnership = ctx.org["partnerships"][MAIN]
    children = list(
        Person.objects.filter(partnership=partnership, kind=Person.Kind.CHILD, pk__in=ctx.child_ids)
        .order_by("pk")
        .values_list("pk", "given_names", "family_name", "date_of_birth", "sex")
    )
    if not children:
        ctx.task("Generating two years of contacts", 0)
        return {}
    nhs = dict(
        Identifier.objects.filter(person_id__in=[c[0] for c in children], scheme="nhs").values_list(
            "person_id", "value"
        )
    )
    # A minority of children account for most contacts, as in real front doors.
    frequent = rng.sample(children, k=max(1, len(children) // 8))
    per_year = int(len(ctx.child_ids) * 1.6)
    today = ctx.today
    days = [today - timedelta(days=d) for d in range(DAYS, -1, -1)]
    weights = [WEEKDAY_WEIGHT[d.weekday()] for d in days]
    mean = per_year * (DAYS / 365) / sum(weights)  # the same volume each year
    agencies = {
        "vpa": teams["police-vh"].agency,
        "screening": teams[f"{MAIN}-inclusion"].agency,
        "ed_referral": teams["mshft-ed"].agency,
        "professional": teams[f"{MAIN}-inclusion"].agency,
        "public": None,
    }
    front_door = teams[f"{MAIN}-ifd"]
    workers = staff.get(f"{MAIN}-ifd", [])
    managers = (
        list(front_door.members.filter(role_assignments__role="front_door_manager").order_by("pk").distinct())
        or workers[:1]
    )
    csc_teams = [teams[f"{MAIN}-{t}"] for t in ("cin-1", "cin-2", "cp", "ce")]
    eh_team = teams[f"{MAIN}-eh"]
    # Who a decision can allocate to, read once: the first twenty members of each team, by id.
    members: dict[int, list[Any]] = {t.pk: [] for t in [*csc_teams, eh_team]}
    for user in User.objects.filter(team_id__in=list(members)).order_by("pk"):
        team_members = members[user.team_id or 0]
        if len(team_members) < 20:
            team_members.append(user)
    allocated = {
        p: t
        for p, t in Involvement.objects.filter(
            person_id__in=[c[0] for c in children], kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True
        ).values_list("person_id", "team_id")
    }
    contacts: list[Contact] = []
    advance = ctx.task("Generating two years of contacts", len(days))
    ref = Contact.objects.count()  # refs stay unique when a partnership is seeded again
    for index, day in enumerate(days):
        n = max(0, round(rng.gauss(mean * weights[index], (mean * weights[index]) ** 0.5)))
        progress_in_year = index / len(days)  # 0 two years ago, 1 today
        for _ in range(n):
            ref += 1
            child = rng.choice(frequent) if rng.random() < 0.6 else rng.choice(children)
            kind = rng.choices(list(KIND_WEIGHT), weights=list(KIND_WEIGHT.values()))[0]
            received = _received(rng, day).astimezone(UTC)
            if received > ctx.now:
                continue
            contacts.append(
                _contact(
                    ctx,
                    rng,
                    child,
                    nhs.get(child[0]),
                    kind,
                    received,
                    ref,
                    agencies[kind],
                    partnership,
                    progress_in_year,
                    workers,
                    managers,
                    csc_teams,
                    eh_team,
                    allocated,
                    members,
                )
            )
            if rng.random() < 0.03:  # the same concern sent again by another route
                ref += 1
                dup = _contact(
                    ctx,
                    rng,
                    child,
                    nhs.get(child[0]),
                    "professional",
                    received + timedelta(minutes=rng.randrange(20, 180)),
                    ref,
                    agencies["professional"],
                    partnership,
                    progress_in_year,
                    workers,
                    managers,
                    csc_teams,
                    eh_team,
                    allocated,
                    members,
                )
                dup.summary = "Duplicate submission: " + contacts[-1].summary
                if dup.received_at <= ctx.now:
                    contacts.append(dup)
        advance(1)
    bulk.create(Contact, contacts)
    _follow_up(ctx, rng, contacts, front_door, workers)
    _meetings(ctx, rng, partnership, agencies, contacts)
    return {"Contacts": len(contacts)}


def _contact(
    ctx: DemoContext,
    rng: random.Random,
    child: tuple[Any, ...],
    nhs: str | None,
    kind: str,
    received: datetime,
    ref: int,
    agency: Any,
    partnership: Any,
    progress: float,
    workers: list[Any],
    managers: list[Any],
    csc_teams: list[Any],
    eh_team: Any,
    allocated: dict[int, int],
    members: dict[int, list[Any]],
) -> Contact:
    pk, given, family, dob, _sex = child
    v = variant_record(rng, given_names=given, family_name=family, date_of_birth=dob, nhs_number=nhs)
    subject = {"given_names": v["given_names"], "family_name": v["family_name"]}
    if v["date_of_birth"]:
        subject["date_of_birth"] = v["date_of_birth"].isoformat()
    if v["nhs_number"]:
        subject["nhs_number"] = v["nhs_number"]
    review_due = clocks.review_due(received)
    decision_due = clocks.decision_due(received)
    concerns = rng.sample(CONCERN_BY_KIND[kind], k=rng.randint(1, 3))
    summary = rng.choice(SUMMARIES[kind]).format(
        town=rng.choice(["Crewe", "Macclesfield", "Stoke", "Manchester"]), money=rng.randrange(50, 900)
    )
    c = bulk.row(
        Contact,
        partnership=partnership,
        kind=kind,
        route="import" if kind == "vpa" else rng.choice(["web", "api"]),
        source_system="niche" if kind == "vpa" else "",
        external_ref=f"VPA-{ctx.today.year}-{ref:07d}" if kind == "vpa" else "",
        source_agency=agency,
        received_at=received,
        review_due_at=review_due,
        decision_due_at=decision_due,
        subject=subject,
        person_id=pk,
        match_status=rng.choices(["matched", "linked", "new"], [0.85, 0.12, 0.03])[0],
        match_score=round(rng.uniform(0.995, 1.0), 4),
        summary=summary,
        concerns=sorted(concerns),
        child_voice=rng.choice(VOICES) if rng.random() < 0.8 else "",
        reporter={"name": "Member of the public"} if kind == "public" else {},
    )
    age = ctx.now - received
    if age < timedelta(hours=40) and rng.random() < 0.85:
        # Still being worked: the live queue.
        c.status = rng.choice(
            [Contact.Status.OPEN, Contact.Status.GATHERING, Contact.Status.AWAITING_APPROVAL]
        )
        if rng.random() < 0.12:
            c.person_id, c.match_status, c.match_score = (
                None,
                Contact.Match.NEEDS_REVIEW,
                round(rng.uniform(0.3, 0.9), 3),
            )
            c.status = Contact.Status.OPEN
        if c.status == Contact.Status.AWAITING_APPROVAL and c.person_id:
            c.risk = rng.choice([2, 3])
            c.analysis = (
                "Information gathered from police, health and school; risk outside the home is rising."
            )
            c.analysed_by = rng.choice(workers) if workers else None
            _decide(c, rng, received, workers, csc_teams, eh_team, allocated, members, ctx.now)
        return c
    c.risk = rng.choices([1, 2, 3], [0.4, 0.4, 0.2])[0]
    c.analysis = "Information from police, health and school considered. " + rng.choice(
        [
            "Pattern of escalating risk outside the home.",
            "Protective factors at home; concerns are emerging.",
            "Risk is high and current: significant harm is likely without intervention.",
        ]
    )
    c.analysed_by = rng.choice(workers) if workers else None
    _decide(c, rng, received, workers, csc_teams, eh_team, allocated, members, ctx.now)
    # Review timeliness improves over the two years (77% to about 95%); Mondays and Tuesdays lag.
    on_time = 0.79 + 0.20 * progress - (0.08 if received.astimezone(clocks.LONDON).weekday() < 2 else 0)
    window = (review_due - received).total_seconds() / 3600
    hours = (
        rng.uniform(2, window * 0.95) if rng.random() < on_time else rng.uniform(window * 1.02, window * 2.5)
    )
    c.approved_at = min(received + timedelta(hours=hours), ctx.now)
    assert c.decided_at is not None
    c.decided_at = min(c.decided_at, c.approved_at)
    c.approved_by = rng.choice(managers) if managers else None
    c.status = Contact.Status.CLOSED
    return c


def _decide(
    c: Contact,
    rng: random.Random,
    received: datetime,
    workers: list[Any],
    csc_teams: list[Any],
    eh_team: Any,
    allocated: dict[int, int],
    members: dict[int, list[Any]],
    now: datetime,
) -> None:
    c.decision = rng.choices(list(DECISION_WEIGHT), weights=list(DECISION_WEIGHT.values()))[0]
    c.decision_reason = "Decision made on the information gathered and the child's history."
    c.threshold_level = thresholds.assess(concerns=c.concerns, risk=c.risk).level
    c.decided_by = rng.choice(workers) if workers else None
    on_time = rng.random() < 0.88
    due = c.decision_due_at
    c.decided_at = min(
        now,
        (due - timedelta(hours=rng.uniform(0.2, 6)))
        if on_time
        else due + timedelta(hours=rng.uniform(1, 20)),
    )
    c.decided_at = max(c.decided_at, received + timedelta(minutes=20))
    if c.decision in ("referral", "strategy"):
        team_id = allocated.get(c.person_id or 0)
        c.allocated_team = next((t for t in csc_teams if t.pk == team_id), None) or rng.choice(csc_teams)
    elif c.decision == "early_help":
        c.allocated_team = eh_team
    if c.allocated_team is not None:
        team_members = members.get(c.allocated_team.pk, [])
        c.allocated_worker = rng.choice(team_members) if team_members else None


def _follow_up(
    ctx: DemoContext, rng: random.Random, contacts: list[Contact], front_door: Any, workers: list[Any]
) -> None:
    requests: list[InformationRequest] = []
    tasks: list[Task] = []
    events: list[ChronologyEvent] = []
    involvements: list[Involvement] = []
    seen_front_door: set[int] = set()
    advance = ctx.task("Partner information, decisions and tasks", len(contacts))
    for c in contacts:
        advance(1)
        label = ctx.actor.label
        if c.status != Contact.Status.OPEN or rng.random() < 0.5:
            for source in rng.sample(["police", "health", "education"], k=rng.randint(1, 3)):
                asked = c.received_at + timedelta(minutes=rng.randrange(10, 120))
                answered = asked + timedelta(hours=rng.uniform(0.5, 6))
                requests.append(
                    bulk.row(
                        InformationRequest,
                        contact=c,
                        source=source,
                        question="What do you know about the child and family?",
                        requested_by_label=label,
                        requested_at=asked,
                        due_at=asked + timedelta(hours=4),
                        response="Known to us: see attached history." if answered < ctx.now else "",
                        responded_by_label=label if answered < ctx.now else "",
                        responded_at=answered if answered < ctx.now else None,
                    )
                )
        if c.person_id:
            events.append(
                bulk.row(
                    ChronologyEvent,
                    person_id=c.person_id,
                    occurred_at=c.received_at,
                    kind="contact",
                    title=f"{c.get_kind_display()} received by the front door",
                    body=c.summary,
                    agency=c.source_agency,
                    actor_label=label,
                )
            )
            if c.status != Contact.Status.CLOSED and c.person_id not in seen_front_door:
                seen_front_door.add(c.person_id)
                involvements.append(
                    bulk.row(
                        Involvement,
                        person_id=c.person_id,
                        team=front_door,
                        kind="front_door",
                        role_description="Front door",
                        started_at=c.received_at,
                    )
                )
        if c.status == Contact.Status.CLOSED and c.person_id and c.approved_at:
            events.append(
                bulk.row(
                    ChronologyEvent,
                    person_id=c.person_id,
                    occurred_at=c.approved_at,
                    kind="contact",
                    title=f"Front door decision: {c.get_decision_display()}",
                    body=c.decision_reason,
                    actor_label=label,
                )
            )
            plan = {
                "referral": [("visit", 24), ("assessment", 45 * 24)],
                "strategy": [("strategy", 8), ("visit", 24)],
                "early_help": [("early_help", 10 * 24)],
            }.get(c.decision, [])
            for kind, hours in plan:
                due = c.approved_at + timedelta(hours=hours)
                done = c.approved_at + timedelta(hours=hours * rng.uniform(0.3, 1.3))
                tasks.append(
                    bulk.row(
                        Task,
                        contact=c,
                        person_id=c.person_id,
                        kind=kind,
                        team=c.allocated_team,
                        assignee=c.allocated_worker,
                        created_at=c.approved_at,
                        due_at=due,
                        completed_at=done if done < ctx.now else None,
                    )
                )
    bulk.create(InformationRequest, requests)
    bulk.create(Task, tasks)
    bulk.create(ChronologyEvent, events)
    # Involvements decide who may open the child: the owner's service starts and logs each one.
    people_services.involvements_start_many(
        involvements=involvements + _allocations(tasks, contacts), by=ctx.actor
    )
    bulk.log_created(ctx.actor, "contact", contacts)
    bulk.log_created(ctx.actor, "front_door_task", tasks)


def _allocations(tasks: list[Task], contacts: list[Contact]) -> list[Involvement]:
    """The allocation behind every open task, as `contact_approve` makes it: the team a child is
    allocated to can open the record its home page links to. A team already working with the child
    keeps its involvement."""
    open_pairs: dict[tuple[int, int], Task] = {}
    for t in tasks:  # in the order the contacts arrived: the first allocation starts the involvement
        if t.completed_at is None and t.team_id:
            open_pairs.setdefault((t.person_id, t.team_id), t)
    existing = set(
        Involvement.objects.filter(person_id__in={p for p, _ in open_pairs}, ended_at__isnull=True)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .values_list("person_id", "team_id")
    )
    by_pk = {c.pk: c for c in contacts}
    return [
        Involvement(
            person_id=person_id,
            team_id=team_id,
            worker=task.assignee,
            kind=Involvement.Kind.ALLOCATED,
            role_description=by_pk[task.contact_id].get_decision_display(),
            started_at=task.created_at,
        )
        for (person_id, team_id), task in sorted(open_pairs.items(), key=lambda kv: kv[0])
        if (person_id, team_id) not in existing
    ]


def _meetings(
    ctx: DemoContext, rng: random.Random, partnership: Any, agencies: dict[str, Any], contacts: list[Contact]
) -> None:
    """The last 60 working days' daily meetings (and Monday's weekly one) with their actions, written
    in bulk; days that already have their meeting (a partnership seeded again) are left alone."""
    present = [a for a in agencies.values() if a is not None]
    first_day = ctx.today - timedelta(days=60)
    by_day: dict[date, list[Contact]] = {}
    for c in contacts:
        if c.received_at > ctx.now - timedelta(days=70):
            by_day.setdefault(c.received_at.astimezone(clocks.LONDON).date(), []).append(c)
    existing = {
        (m.kind, m.held_on): m
        for m in FrontDoorMeeting.objects.filter(partnership=partnership, held_on__gte=first_day)
    }
    meetings: list[FrontDoorMeeting] = []
    attending: list[tuple[FrontDoorMeeting, list[Any]]] = []
    actions: list[tuple[FrontDoorMeeting, MeetingAction]] = []
    days = [ctx.today - timedelta(days=offset) for offset in range(60, 0, -1)]
    advance = ctx.task("Daily and weekly front door meetings", len(days))
    for day in days:
        advance(1)
        if not clocks.is_working_day(day) or ("daily", day) in existing:
            continue
        meeting = FrontDoorMeeting(
            partnership=partnership,
            kind="daily",
            held_on=day,
            period_start=day - timedelta(days=1),
            period_end=day,
            notes="VPAs reviewed agency by agency; actions agreed.",
            recorded_by_label=ctx.actor.label,
        )
        meetings.append(meeting)
        attending.append((meeting, rng.sample(present, k=min(len(present), 3))))
        for c in by_day.get(day - timedelta(days=1), [])[:3]:
            actions.append(
                (
                    meeting,
                    MeetingAction(
                        contact=c,
                        description="Share police intelligence with the allocated team",
                        owner_agency=rng.choice(present),
                        due_on=day + timedelta(days=2),
                        completed_at=ctx.now if rng.random() < 0.8 else None,
                    ),
                )
            )
        if day.weekday() == 0:
            weekly = existing.get(("weekly", day))
            if weekly is None:
                weekly = FrontDoorMeeting(
                    partnership=partnership,
                    kind="weekly",
                    held_on=day,
                    period_start=day - timedelta(days=7),
                    period_end=day - timedelta(days=1),
                    notes="Immediate safety planning reviewed for every child screened.",
                    recorded_by_label=ctx.actor.label,
                )
                meetings.append(weekly)
            for _ in range(rng.randint(1, 3)):
                actions.append(
                    (
                        weekly,
                        MeetingAction(
                            description="Safety plan to include a named trusted adult",
                            owner_agency=rng.choice(present),
                            due_on=day + timedelta(days=7),
                        ),
                    )
                )
    bulk.create(FrontDoorMeeting, meetings)
    through = FrontDoorMeeting.agencies_present.through
    bulk.create(
        through,
        [
            through(frontdoormeeting_id=m.pk, agency_id=agency_id)
            for m, present_ in attending
            for agency_id in dict.fromkeys(a.pk for a in present_)
        ],
    )
    for meeting, action in actions:
        action.meeting = meeting
    bulk.create(MeetingAction, [a for _, a in actions])


def receive_known(
    ctx: DemoContext, incoming: list[tuple[ContactIn, Any, Any]], *, route: str = Contact.Route.WEB
) -> list[Contact]:
    """Contacts about children already on record, received as `services.contact_receive` receives them
    (the same contact, agency record, front door involvement, chronology and notices to the workers
    involved), in bulk: for the other generator steps whose work reaches the front door (screenings,
    emergency department referrals). `incoming` is (contact, partnership, sender) with the contact's
    `person` set."""
    if not incoming:
        return []
    people = {data.person.pk: data.person for data, _, _ in incoming if data.person is not None}
    front_doors: dict[int, list[int]] = {}
    for team_id, partnership_id in Team.objects.filter(front_door=True).values_list("pk", "partnership_id"):
        front_doors.setdefault(partnership_id, []).append(team_id)
    involved: set[tuple[int, int]] = set()
    workers: dict[int, list[int]] = {}
    for person_id, team_id, kind, worker_id in (
        Involvement.objects.filter(person_id__in=list(people), ended_at__isnull=True)
        .order_by("pk")
        .values_list("person_id", "team_id", "kind", "worker_id")
    ):
        if kind == Involvement.Kind.FRONT_DOOR:
            involved.add((person_id, team_id))
        elif worker_id is not None and worker_id not in workers.setdefault(person_id, []):
            workers[person_id].append(worker_id)
    rules = services.standards()
    contacts: list[Contact] = []
    for data, partnership, by in incoming:
        assert data.received_at is not None and data.person is not None
        received = data.received_at.astimezone(UTC)
        contacts.append(
            bulk.row(
                Contact,
                partnership=partnership,
                kind=data.kind,
                route=route,
                source_system=data.source_system,
                external_ref=data.external_ref,
                source_agency=data.source_agency,
                submitted_by=by,
                reporter=data.reporter,
                received_at=received,
                review_due_at=clocks.review_due(received, rules),
                decision_due_at=clocks.decision_due(received, rules),
                subject={
                    k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.subject.items() if v
                },
                match_status=Contact.Match.MATCHED,
                match_score=1.0,
                summary=data.summary.strip(),
                concerns=sorted(set(data.concerns)),
                child_voice=data.child_voice.strip(),
                risk=data.risk if data.risk in Contact.Risk.values else Contact.Risk.UNKNOWN,
                person=data.person,
            )
        )
    bulk.create(Contact, contacts)
    sources: list[SourceRecord] = []
    involvements: list[Involvement] = []
    events: list[ChronologyEvent] = []
    notices: list[Notification] = []
    started = timezone.now()
    for c in contacts:
        person = people[c.person_id or 0]
        s = c.subject
        if c.source_agency_id:
            dob = s.get("date_of_birth")
            sources.append(
                bulk.row(
                    SourceRecord,
                    person=person,
                    agency_id=c.source_agency_id,
                    given_names=str(s.get("given_names") or "")[:150],
                    family_name=str(s.get("family_name") or "")[:150],
                    date_of_birth=date.fromisoformat(dob) if isinstance(dob, str) and dob else None,
                    postcode=linkage.postcode_or_blank(s.get("postcode")),
                    identifiers={
                        k: s[k] for k in ("nhs_number", "police_id", "la_child_id", "upn") if s.get(k)
                    },
                    recorded_at=c.received_at,
                )
            )
        for team_id in front_doors.get(c.partnership_id, []):
            if (person.pk, team_id) not in involved:
                involved.add((person.pk, team_id))
                involvements.append(
                    bulk.row(
                        Involvement,
                        person=person,
                        team_id=team_id,
                        kind=Involvement.Kind.FRONT_DOOR,
                        role_description="Front door",
                        started_at=started,
                    )
                )
        events.append(
            bulk.row(
                ChronologyEvent,
                person=person,
                kind=ChronologyEvent.Kind.CONTACT,
                occurred_at=c.received_at,
                title=f"{c.get_kind_display()} received by the front door"[:200],
                body=c.summary[:2000],
                agency=c.source_agency,
                actor_label=c.submitted_by.get_username() if c.submitted_by else ctx.actor.label,
            )
        )
        notices.extend(
            bulk.row(
                Notification,
                user_id=worker_id,
                title=f"New {c.get_kind_display().lower()} about {person.display_name}",
                body=c.summary[:300],
                link=f"/front-door/contacts/{c.pk}/",
            )
            for worker_id in workers.get(person.pk, [])
        )
    bulk.create(SourceRecord, sources)
    bulk.create(Involvement, involvements)
    bulk.create(ChronologyEvent, events)
    bulk.create(Notification, notices)
    bulk.log_created(ctx.actor, "contact", contacts, route=route)
    return contacts
