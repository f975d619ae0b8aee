"""Screenings in the synthetic partnership: a year of exploitation screenings from schools, police,
social work and early help, some children screened several times (their risk trajectory), and some
judgements lower than the indicators with a manager's agreement or change.

Completed through the real services, so every screening reaches the front door as a contact; the
contacts from before the last two days are then closed as decided, as the front door would have.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from django.db.models import F

from mace.core.models import Notification
from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import HISTORY_DAYS, DemoContext, step
from mace.frontdoor import demo as frontdoor_demo
from mace.frontdoor.models import Contact
from mace.frontdoor.services import ContactIn
from mace.people.models import ChronologyEvent, Identifier, Person

from . import selectors, services
from . import tool as tooling
from .models import Level, Screening

SCREENERS = [  # (team code, share)
    (f"{MAIN}-inclusion", 0.3),
    ("police-vh", 0.25),
    (f"{MAIN}-ce", 0.2),
    (f"{MAIN}-eh", 0.15),
    ("est-school-nursing", 0.1),
]
EVIDENCE = {
    "cse_older_partner": "Seen with a man in his twenties who collects her from school in a car.",
    "cse_sexual_health": "Third request for emergency contraception in two months.",
    "cse_online": "Messages on a gaming app from an adult asking for photos.",
    "cse_gifts": "New phone and designer clothes; family cannot say where from.",
    "cse_parties": "Told a friend she was taken to a hotel party in Crewe.",
    "cse_disclosure": "Disclosed exchanging sex for vapes and cannabis.",
    "cce_missing": "Missing overnight twice this month; returned with cash.",
    "cce_out_of_area": "Found by police in a flat in another town.",
    "cce_county_lines": "Arrested with wraps of heroin and a phone receiving many calls.",
    "cce_gang": "Associates with a group known for supply on the estate.",
    "cce_weapons": "Knife found in his school bag.",
    "cce_debt": "Says he owes 'the lads' £400 after being robbed.",
    "cce_substances": "Smokes cannabis daily, supplied by older boys.",
    "v_school": "Excluded for a fixed term; attendance 58%.",
    "v_injuries": "Bruising to the face he will not explain.",
    "v_behaviour": "Withdrawn at home, aggressive at school, out late.",
    "v_mental_health": "Self-harm marks on her arms.",
    "v_home": "Domestic abuse incident at home last month.",
}
VOICES = [
    "They're my mates, they look after me.",
    "I don't want to talk about it.",
    "I just want my mum to stop shouting.",
    "I owe them and they know where I live.",
    "",
]
TEMPLATES = [  # indicator sets a child might present with, lighter to heavier
    ["v_school", "v_behaviour"],
    ["cce_missing", "cce_substances", "v_school"],
    ["cse_online", "cse_gifts", "v_behaviour"],
    ["cse_older_partner", "cse_gifts", "cce_missing", "v_mental_health"],
    ["cce_missing", "cce_gang", "cce_county_lines", "cce_debt"],
    ["cce_out_of_area", "cce_county_lines", "cce_weapons", "cce_missing", "v_injuries"],
    ["cse_parties", "cse_sexual_health", "cse_older_partner", "cce_missing", "cse_gifts"],
]


def _screener(ctx: DemoContext, rng: random.Random) -> Any:
    team = rng.choices([t for t, _ in SCREENERS], weights=[w for _, w in SCREENERS])[0]
    people = ctx.org["staff"].get(team) or []
    return rng.choice(people) if people else None


def _managers(ctx: DemoContext) -> list[Any]:
    from mace.accounts.models import User

    return list(
        User.objects.filter(
            role_assignments__role__in=["team_manager", "front_door_manager", "health_safeguarding_lead"],
            is_active=True,
        )
        .order_by("pk")
        .distinct()[:20]
    )


_TOOLS: dict[tuple[int, int], Any] = {}


def _tool(version: Any) -> Any:
    """The version's parsed tool, parsed once per generator run instead of on every screening."""
    key = (version.pk, id(version.definition))
    if key not in _TOOLS:
        _TOOLS.clear()
        _TOOLS[key] = version.tool
    return _TOOLS[key]


def _parsed(version: Any) -> Any:
    """The version as `services._summary` reads it (title, number, tool), with the tool parsed once."""
    return SimpleNamespace(title=version.title, version=version.version, tool=_tool(version))


def assess(version: Any, answers: dict[str, str], judgement: int) -> services.Assessment:
    """`services.assess` with the parsed tool kept: the same score, level and need for agreement."""
    result = tooling.score(_tool(version), answers)
    return services.Assessment(
        score=result.score,
        level=result.level,
        high_harm=result.high_harm,
        needs_agreement=tooling.needs_agreement(
            level=result.level, judgement=judgement, high_harm=bool(result.high_harm)
        ),
    )


def close_old_contacts(contact_ids: list[int], now: datetime) -> None:
    """Contacts from before the last two days were decided and approved the same day."""
    Contact.objects.filter(pk__in=contact_ids, received_at__lt=now - timedelta(days=2)).update(
        status=Contact.Status.CLOSED,
        analysis="Analysed with partner information and the child's history.",
        decision=Contact.Decision.EARLY_HELP,
        decision_reason="Decided on the screening, partner information and the child's voice.",
        decided_at=F("received_at") + timedelta(hours=6),
        approved_at=F("received_at") + timedelta(hours=8),
    )


def complete_many(ctx: DemoContext, incoming: list[tuple[services.ScreeningIn, Any, Any]]) -> list[Screening]:
    """Screenings completed as `services.screening_complete` completes them (scored, sent to the front
    door as a contact, in the child's chronology, managers told when a judgement needs agreement), in
    bulk. `incoming` is (screening, partnership, practitioner), each about a child on record."""
    if not incoming:
        return []
    from mace.accounts.models import Role, User

    people = [data.person for data, _, _ in incoming if data.person is not None]
    ids: dict[tuple[int, str], str] = {}
    for person_id, scheme, value in (
        Identifier.objects.filter(person_id__in={p.pk for p in people}, scheme__in=["nhs", "upn"])
        .order_by("pk")
        .values_list("person_id", "scheme", "value")
    ):
        ids.setdefault((person_id, scheme), value)
    screenings: list[Screening] = []
    results: list[services.Assessment] = []
    for data, partnership, by in incoming:
        assert data.tool_version is not None and data.judgement is not None and data.person is not None
        person = data.person
        answers = {code: str(evidence).strip() for code, evidence in data.answers.items()}
        result = assess(data.tool_version, answers, data.judgement)
        subject: dict[str, Any] = {
            "given_names": person.given_names,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "sex": person.sex,
            "nhs_number": ids.get((person.pk, "nhs")),
            "upn": ids.get((person.pk, "upn")),
        }
        results.append(result)
        screenings.append(
            Screening(
                partnership=partnership,
                tool_version=data.tool_version,
                person=person,
                subject={k: v for k, v in subject.items() if v},
                answers=answers,
                child_voice=data.child_voice.strip(),
                analysis=data.analysis.strip(),
                score=result.score,
                level=result.level,
                high_harm=bool(result.high_harm),
                judgement=data.judgement,
                judgement_reason=data.judgement_reason.strip(),
                needs_agreement=result.needs_agreement,
                status=Screening.Status.AWAITING_AGREEMENT
                if result.needs_agreement
                else Screening.Status.COMPLETE,
                agency=getattr(by, "agency", None),
                completed_by=by,
                completed_by_label=by.get_username(),
                completed_at=(data.completed_at or ctx.now).astimezone(UTC),
            )
        )
    bulk.create(Screening, screenings)
    contacts = frontdoor_demo.receive_known(
        ctx,
        [
            (
                ContactIn(
                    kind=Contact.Kind.SCREENING,
                    received_at=sc.completed_at,
                    summary=services._summary(sc, _parsed(data.tool_version)),
                    subject=sc.subject,
                    source_system=services.CONTACT_SOURCE,
                    external_ref=f"screening-{sc.pk}",
                    source_agency=sc.agency,
                    concerns=sorted({_tool(data.tool_version).indicators[c].concern for c in sc.answers}),
                    child_voice=sc.child_voice,
                    reporter={"name": by.get_full_name(), "job_title": getattr(by, "job_title", "")},
                    person=data.person,
                    risk=max(result.level, sc.judgement),
                ),
                partnership,
                by,
            )
            for sc, result, (data, partnership, by) in zip(screenings, results, incoming, strict=True)
            if data.tool_version is not None
        ],
    )
    for sc, contact in zip(screenings, contacts, strict=True):
        sc.contact = contact
    Screening.objects.bulk_update(screenings, ["contact"], batch_size=bulk.BATCH)
    # Who hears of a judgement that needs agreement: the practitioner's agency's managers, or else
    # the partnership's front door managers.
    roles = [Role.TEAM_MANAGER, Role.HEALTH_SAFEGUARDING_LEAD, Role.FRONT_DOOR_MANAGER]
    by_agency: dict[int, list[int]] = {}
    for user_id, agency_id in (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .order_by("pk")
        .values_list("pk", "agency_id")
        .distinct()
    ):
        by_agency.setdefault(agency_id, []).append(user_id)
    front_door: dict[int, list[int]] = {}
    for user_id, partnership_id in (
        User.objects.filter(
            is_active=True, team__front_door=True, role_assignments__role=Role.FRONT_DOOR_MANAGER
        )
        .order_by("pk")
        .values_list("pk", "team__partnership_id")
        .distinct()
    ):
        front_door.setdefault(partnership_id, []).append(user_id)
    events: list[ChronologyEvent] = []
    notices: list[Notification] = []
    for sc in screenings:
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=sc.person_id,
                kind=ChronologyEvent.Kind.SCREENING,
                occurred_at=sc.completed_at,
                title=(
                    f"Exploitation screening: indicators {Level(sc.level).label.lower()}, "
                    f"judgement {Level(sc.judgement).label.lower()}"
                ),
                body=(f"The child said: {sc.child_voice}\n" if sc.child_voice else "") + sc.judgement_reason,
                agency=sc.agency,
                actor_label=sc.completed_by_label,
            )
        )
        if not sc.needs_agreement:
            continue
        managers = [u for u in by_agency.get(sc.agency_id or 0, []) if u != sc.completed_by_id]
        if sc.agency_id is None or not managers:
            managers = [u for u in front_door.get(sc.partnership_id, []) if u != sc.completed_by_id]
        notices.extend(
            Notification(
                user_id=user_id,
                title=f"A screening judgement needs your agreement: {sc.subject_name}",
                body=f"Indicators suggest {Level(sc.level).label.lower()}; the practitioner judged "
                f"{Level(sc.judgement).label.lower()}.",
                link=f"/screening/{sc.pk}/",
            )
            for user_id in managers[:50]
        )
    bulk.create(ChronologyEvent, events)
    bulk.create(Notification, notices)
    bulk.log_created(ctx.actor, "screening", screenings)
    return screenings


def _agree_many(ctx: DemoContext, agreements: list[tuple[Screening, Any, bool, str]]) -> None:
    """Managers' agreement (or change) of judgements, as `services.screening_agree` records it, in bulk:
    (screening, manager, changed, note); the agreement is dated the day after the screening."""
    events: list[ChronologyEvent] = []
    for screening, manager, change, note in agreements:
        screening.agreement = Screening.Agreement.CHANGED if change else Screening.Agreement.AGREED
        if change:
            screening.original_judgement = screening.judgement
            screening.judgement = screening.level
        screening.agreed_by = manager
        screening.agreed_by_label = manager.get_username()
        screening.agreed_at = screening.completed_at + timedelta(days=1)
        screening.agreement_note = note
        screening.status = Screening.Status.COMPLETE
        screening.version += 1
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=screening.person_id,
                kind=ChronologyEvent.Kind.SCREENING,
                occurred_at=screening.agreed_at,
                title=(
                    "Manager changed the screening judgement to " + Level(screening.judgement).label.lower()
                    if change
                    else "Manager agreed the screening judgement"
                ),
                body=note,
                agency=getattr(manager, "agency", None),
                actor_label=screening.agreed_by_label,
            )
        )
    fields = [
        "agreement",
        "original_judgement",
        "judgement",
        "agreed_by",
        "agreed_by_label",
        "agreed_at",
        "agreement_note",
        "status",
        "version",
    ]
    Screening.objects.bulk_update([a[0] for a in agreements], fields, batch_size=bulk.BATCH)
    bulk.create(ChronologyEvent, events)
    if agreements:
        bulk.log_created(ctx.actor, "screening_agreement", [a[0] for a in agreements])


@step(42, "screenings")
def build_screenings(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    version = selectors.active_tool_version()
    partnership = ctx.org["partnerships"][MAIN]
    children = list(
        Person.objects.filter(partnership=partnership, kind=Person.Kind.CHILD, pk__in=ctx.child_ids).order_by(
            "pk"
        )
    )
    if version is None or not children:
        ctx.task("Completing screenings", 0)
        return {}
    managers = _managers(ctx)
    # One child in 40 screened a year, over the two years of history.
    screened = rng.sample(
        children, k=max(1, min(len(children), len(ctx.child_ids) * HISTORY_DAYS // (40 * 365)))
    )
    incoming: list[tuple[services.ScreeningIn, Any, Any]] = []
    advance = ctx.task("Completing screenings", len(screened) + 2)
    for child in screened:
        times = sorted(rng.sample(range(5, HISTORY_DAYS - 5), k=rng.choice([1, 1, 2, 3, 4])), reverse=True)
        start = rng.randrange(1, len(TEMPLATES))
        direction = rng.choice([-1, -1, 1])  # most children's risk falls once they are supported
        for step_index, days_ago in enumerate(times):
            by = _screener(ctx, rng)
            if by is None:
                continue
            template = TEMPLATES[max(0, min(len(TEMPLATES) - 1, start + direction * step_index))]
            ticked = [c for c in template if rng.random() < 0.85] or template[:1]
            result = assess(version, dict.fromkeys(ticked, "x"), 0)
            # Most practitioners judge at the indicators' level; some lower (over-optimism), some higher.
            roll = rng.random()
            judgement = (
                max(0, result.level - 1)
                if roll < 0.18
                else min(3, result.level + 1)
                if roll < 0.28
                else result.level
            )
            completed = datetime.combine(
                ctx.today - timedelta(days=days_ago), time(rng.randrange(9, 17), rng.randrange(60))
            ).replace(tzinfo=UTC)
            incoming.append(
                (
                    services.ScreeningIn(
                        tool_version=version,
                        person=child,
                        answers={c: EVIDENCE[c] for c in ticked},
                        analysis="The indicators together suggest the child is being groomed or used; "
                        "the family and school are worried.",
                        judgement=judgement,
                        judgement_reason="What the child and family told me, and what the school knows.",
                        child_voice=rng.choice(VOICES),
                        completed_at=completed,
                    ),
                    partnership,
                    by,
                )
            )
        advance(1)
    made = complete_many(ctx, incoming)
    advance(1)
    agreements: list[tuple[Screening, Any, bool, str]] = []
    for screening in made:
        if (
            screening.status != Screening.Status.AWAITING_AGREEMENT
            or screening.completed_at > ctx.now - timedelta(days=3)
        ):
            continue
        manager = next((m for m in managers if m.pk != screening.completed_by_id), None)
        if manager is None:
            continue
        change = rng.random() < 0.4
        note = (
            "Raised to what the indicators show: the evidence of harm outweighs the reassurance."
            if change
            else "Agreed after supervision: protective factors recorded; review in four weeks."
        )
        agreements.append((screening, manager, change, note))
    _agree_many(ctx, agreements)
    made += _awaiting(ctx, rng, version, partnership, children)
    close_old_contacts([s.contact_id for s in made if s.contact_id], ctx.now)
    advance(1)
    return {"Screenings": len(made), "Screening judgements agreed by a manager": len(agreements)}


def _awaiting(
    ctx: DemoContext, rng: random.Random, version: Any, partnership: Any, children: list[Any]
) -> list[Any]:
    """A few of today's screenings judged lower than the indicators, so each demo manager has one to
    agree: the school's (front door managers), a social worker's (team manager) and the ED's (named
    nurse)."""
    incoming: list[tuple[services.ScreeningIn, Any, Any]] = []
    for team in (f"{MAIN}-inclusion", f"{MAIN}-ce", "mshft-ed"):
        people = ctx.org["staff"].get(team) or []
        if not people:
            continue
        incoming.append(
            (
                services.ScreeningIn(
                    tool_version=version,
                    person=rng.choice(children),
                    answers={c: EVIDENCE[c] for c in ("cce_county_lines", "cce_missing", "v_school")},
                    analysis="Found with drugs out of area; says he was holding them for a friend.",
                    judgement=1,
                    judgement_reason="A first incident; his mum is supportive and he wants to stop.",
                    child_voice="It was a one-off. I'm not in a gang.",
                    completed_at=ctx.now - timedelta(hours=rng.randrange(2, 20)),
                ),
                partnership,
                people[0],
            )
        )
    return complete_many(ctx, incoming)
