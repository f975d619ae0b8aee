"""Screenings in the synthetic partnership: a year of exploitation screenings from schools, police,
social work and early help, some children screened several times (their risk trajectory), and some
judgements lower than the indicators with a manager's agreement or change.

Completed through the real services, so every screening reaches the front door as a contact; the
contacts from before the last two days are then closed as decided, as the front door would have.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import F

from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step
from mace.frontdoor.models import Contact
from mace.people.models import Person

from . import selectors, services
from .models import Screening

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
        return {}
    managers = _managers(ctx)
    screened = rng.sample(children, k=max(1, min(len(children), len(ctx.child_ids) // 40)))
    made: list[Screening] = []
    advance = ctx.task("Completing screenings", len(screened))
    for child in screened:
        times = sorted(rng.sample(range(5, 360), k=rng.choice([1, 1, 2, 3, 4])), reverse=True)
        start = rng.randrange(1, len(TEMPLATES))
        direction = rng.choice([-1, -1, 1])  # most children's risk falls once they are supported
        for step_index, days_ago in enumerate(times):
            by = _screener(ctx, rng)
            if by is None:
                continue
            template = TEMPLATES[max(0, min(len(TEMPLATES) - 1, start + direction * step_index))]
            ticked = [c for c in template if rng.random() < 0.85] or template[:1]
            result = services.assess(version, dict.fromkeys(ticked, "x"), 0)
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
            screening, _ = services.screening_complete(
                data=services.ScreeningIn(
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
                partnership=partnership,
                by=by,
            )
            made.append(screening)
        advance(1)
    agreed = 0
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
        done = services.screening_agree(
            screening=screening,
            agree=not change,
            judgement=screening.level if change else None,
            note="Raised to what the indicators show: the evidence of harm outweighs the reassurance."
            if change
            else "Agreed after supervision: protective factors recorded; review in four weeks.",
            by=manager,
            version=screening.version,
        )
        Screening.objects.filter(pk=done.pk).update(agreed_at=screening.completed_at + timedelta(days=1))
        agreed += 1
    made += _awaiting(ctx, rng, version, partnership, children)
    close_old_contacts([s.contact_id for s in made if s.contact_id], ctx.now)
    return {"Screenings": len(made), "Screening judgements agreed by a manager": agreed}


def _awaiting(
    ctx: DemoContext, rng: random.Random, version: Any, partnership: Any, children: list[Any]
) -> list[Any]:
    """A few of today's screenings judged lower than the indicators, so each demo manager has one to
    agree: the school's (front door managers), a social worker's (team manager) and the ED's (named
    nurse)."""
    made = []
    for team in (f"{MAIN}-inclusion", f"{MAIN}-ce", "mshft-ed"):
        people = ctx.org["staff"].get(team) or []
        if not people:
            continue
        screening, _ = services.screening_complete(
            data=services.ScreeningIn(
                tool_version=version,
                person=rng.choice(children),
                answers={c: EVIDENCE[c] for c in ("cce_county_lines", "cce_missing", "v_school")},
                analysis="Found with drugs out of area; says he was holding them for a friend.",
                judgement=1,
                judgement_reason="A first incident; his mum is supportive and he wants to stop.",
                child_voice="It was a one-off. I'm not in a gang.",
                completed_at=ctx.now - timedelta(hours=rng.randrange(2, 20)),
            ),
            partnership=partnership,
            by=people[0],
        )
        made.append(screening)
    return made
