"""The network part of the synthetic partnership: four exploitation networks whose missing episodes point
at them through the words the police write ("found with", "found at", the circumstances):

- a county-lines line run from a cuckooed flat in Warrenford, with children from Eastbridge and Halbury;
- a group sexually exploiting girls around a Halbury takeaway and a car;
- an older man grooming two girls online;
- a peer group of boys who go missing together to Riverside Park.

The episodes are reported and returned through the missing module's services; the adults, places and
vehicles are recorded through this module's; the proposals then come from the episodes' words, and about
two thirds are confirmed (the rest wait for the analyst), as a hub's queue would look. All synthetic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step
from mace.people.models import Person

from . import communities, services
from .models import Proposal

# (kind, name, extras)
NETWORKS: list[dict[str, Any]] = [
    {
        "name": "county lines",
        "children": 5,
        "subjects": [
            ("adult", "Jordan Keane", {"aliases": "JK Line, Jordan K", "handling_code": 1}),
            (
                "place",
                "Flat 4 Marsh House",
                {
                    "place_kind": "address",
                    "address": "Marsh Lane, Warrenford",
                    "postcode": "WF2 7QP",
                    "cuckooed": True,
                    "handling_code": 2,
                },
            ),
            ("vehicle", "LX19 KDF", {"make_model": "Black Vauxhall Corsa", "handling_code": 1}),
        ],
        "found_with": ["Jordan Keane", "a man called Jordan Keane", "older boys, one known as JK Line"],
        "found_place": ["Flat 4 Marsh House, Warrenford", "Flat 4 Marsh House", "Warrenford railway station"],
        "circumstances": [
            "Believed to have travelled to Warrenford to sell drugs; dropped off by a black Corsa LX19 KDF.",
            "Found with cash and two phones. Said she was told to stay at Flat 4 Marsh House.",
        ],
    },
    {
        "name": "takeaway",
        "children": 4,
        "subjects": [
            (
                "place",
                "Kebab Palace",
                {
                    "place_kind": "takeaway",
                    "address": "High Street, Halbury",
                    "postcode": "HB1 3LT",
                    "handling_code": 2,
                },
            ),
            ("adult", "Gary Stevens", {"aliases": "Gaz Stevens", "handling_code": 1}),
            ("adult", "Neil Hardcastle", {"handling_code": 4}),
            ("vehicle", "HY68 TRW", {"make_model": "Silver BMW 3 series", "handling_code": 1}),
        ],
        "found_with": [
            "Gary Stevens",
            "two older men, one named as Neil Hardcastle",
            "Gaz Stevens and friends",
        ],
        "found_place": ["Kebab Palace, Halbury", "outside Kebab Palace", "Halbury bus station"],
        "circumstances": [
            "Seen getting into a silver BMW HY68 TRW outside the takeaway at 11pm.",
            "Friends say she is given free food and vodka at Kebab Palace after closing.",
        ],
    },
    {
        "name": "online",
        "children": 2,
        "subjects": [
            ("online", "dreamboy_2009", {"platform": "Snapchat", "handling_code": 2}),
            ("adult", "Craig Molloy", {"handling_code": 1}),
        ],
        "found_with": ["Craig Molloy", "a man she met online"],
        "found_place": ["Westshire city centre", "Railway station, Warrenford"],
        "circumstances": [
            "Had been talking to dreamboy_2009 on Snapchat, who offered to pay for a train ticket.",
            "Phone shows messages arranging to meet Craig Molloy.",
        ],
    },
    {
        "name": "peer group",
        "children": 4,
        "subjects": [
            ("place", "Riverside Park, Eastbridge", {"place_kind": "park", "handling_code": 2}),
        ],
        "found_with": ["friends of the same age", "the usual group of boys"],
        "found_place": ["Riverside Park, Eastbridge", "Riverside Park, Eastbridge", "Eastbridge skate park"],
        "circumstances": [
            "Went out with his friends after school and did not come back; the group hangs around "
            "Riverside Park, Eastbridge."
        ],
    },
]


def _subject(ctx: DemoContext, partnership: Any, kind: str, name: str, extra: dict[str, Any]) -> Any:
    code = extra.pop("handling_code")
    data = services.SubjectIn(
        kind=kind,
        name=name,
        source=ctx.rng.choice(["Intelligence report", "Missing episode debrief", "MACE panel", "Stop check"]),
        source_reliability=ctx.rng.choice("BBC"),
        information_assessment=ctx.rng.choice([2, 2, 3]),
        handling_code=code,
        **extra,
    )
    return services.subject_record(partnership=partnership, data=data, by=ctx.actor)


@step(95, "network")
def build_network(ctx: DemoContext) -> dict[str, int]:
    from mace.missing import services as missing

    rng = ctx.rng
    partnership = ctx.org["partnerships"][MAIN]
    pool = list(
        Person.objects.filter(
            partnership=partnership, kind=Person.Kind.CHILD, pk__in=ctx.child_ids
        ).values_list("pk", flat=True)
    )
    from .models import Subject

    wanted = sum(n["children"] for n in NETWORKS)
    if Subject.objects.filter(partnership=partnership, name="Jordan Keane").exists():
        pool = []  # the networks are there already (the generator run again adds children only)
    advance = ctx.task("Exploitation networks", len(NETWORKS) + 2)
    if len(pool) < wanted:
        advance(len(NETWORKS) + 2)
        return {}
    chosen = rng.sample(pool, wanted)
    people = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
    episodes = 0
    subjects: dict[str, list[Any]] = {}
    for index, net in enumerate(NETWORKS):
        kids = [people[chosen.pop()] for _ in range(net["children"])]
        for kind, name, extra in net["subjects"]:
            subjects.setdefault(net["name"], []).append(_subject(ctx, partnership, kind, name, dict(extra)))
        for k, child in enumerate(kids):
            for n in range(rng.randint(2, 4)):
                seen = ctx.now - timedelta(days=rng.uniform(3, 300), hours=rng.uniform(0, 5))
                try:
                    with transaction.atomic():
                        ep, _ = missing.episode_report(
                            data=missing.EpisodeIn(
                                police_ref=f"NET-{index}{k}{n}-{child.pk}",
                                category="missing",
                                setting="home",
                                risk=rng.choice([2, 3]),
                                reported_at=seen + timedelta(hours=2),
                                last_seen_at=seen,
                                last_seen_place=rng.choice(
                                    ["Home address", "School gates", "Halbury bus station"]
                                ),
                                circumstances=rng.choice(net["circumstances"]),
                                person=child,
                            ),
                            partnership=partnership,
                            route="api",
                            by=ctx.actor,
                        )
                        missing.episode_return(
                            episode=ep,
                            data=missing.ReturnIn(
                                returned_at=min(
                                    seen + timedelta(hours=rng.uniform(6, 40)), ctx.now - timedelta(hours=1)
                                ),
                                found_place=rng.choice(net["found_place"]),
                                found_by="police",
                                found_with=rng.choice(net["found_with"]),
                                child_account=rng.choice(
                                    ["I was with my mates.", "I don't want to say.", "He lets me stay over."]
                                ),
                            ),
                            by=ctx.actor,
                            version=ep.version,
                        )
                except ValidationError:
                    continue  # it would overlap an episode the child already has
                episodes += 1
        advance(1)
    made = services.proposals_make(partnership_id=partnership.pk, since=ctx.now - timedelta(days=366))
    confirmed = 0
    for proposal in Proposal.objects.filter(partnership=partnership, status="open").order_by("pk"):
        if rng.random() < 0.67:
            services.proposal_decide(proposal=proposal, confirm=True, by=ctx.actor, confidence="high")
            confirmed += 1
    groups = communities.refresh(now=ctx.now).proposed
    advance(1)
    # The takeaway: a Child Abduction Warning Notice on Gary Stevens, breached once; an NRM referral for a
    # county-lines child, decided on reasonable grounds.
    gary = next(s for s in subjects["takeaway"] if s.name == "Gary Stevens")
    linked = list(Person.objects.filter(network_links__subject=gary).distinct()[:2])
    served = ctx.today - timedelta(days=40)
    cawn = services.disruption_record(
        subject=gary,
        data=services.DisruptionIn(
            kind="cawn",
            issuer="PC Dana Shaw, Eastshire Police",
            served_on=served,
            expires_on=served + timedelta(days=730),
            conditions="Not to contact or be with the named children.",
            children=linked,
        ),
        by=ctx.actor,
    )
    services.breach_record(
        disruption=cawn,
        on=ctx.today - timedelta(days=6),
        details="Seen with one of the named children at the takeaway.",
        by=ctx.actor,
    )
    keane = next(s for s in subjects["county lines"] if s.kind == "place")
    services.disruption_record(
        subject=keane,
        data=services.DisruptionIn(
            kind="closure_order",
            issuer="Warrenford Magistrates' Court",
            served_on=ctx.today - timedelta(days=70),
            expires_on=ctx.today - timedelta(days=70) + timedelta(days=90),
        ),
        by=ctx.actor,
    )
    referred_child = Person.objects.filter(network_links__subject__in=subjects["county lines"]).first()
    nrm = 0
    if referred_child is not None:
        referred = ctx.today - timedelta(days=60)
        r = services.nrm_refer(
            person=referred_child,
            exploitation="criminal",
            first_responder="Eastshire Police",
            referred_on=referred,
            by=ctx.actor,
        )
        services.nrm_decide(
            referral=r,
            stage="reasonable",
            on=referred + timedelta(days=6),
            decision="positive",
            by=ctx.actor,
            version=r.version,
        )
        nrm = 1
    kebab = next(s for s in subjects["takeaway"] if s.kind == "place")
    try:
        with transaction.atomic():
            contexts = _context_assessment(ctx, partnership, kebab)
    except ValidationError:
        contexts = 0  # a child's name in the demo's words (the generator's names are random)
    advance(1)
    return {
        "Context assessments": contexts,
        "Network subjects": sum(len(v) for v in subjects.values()),
        "Network episodes": episodes,
        "Proposed links": made,
        "Confirmed links": confirmed,
        "Proposed groups": groups,
        "Disruption": 2,
        "NRM referrals": nrm,
    }


def _context_assessment(ctx: DemoContext, partnership: Any, place: Any) -> int:
    """The CSE group around Kebab Palace: a context assessment through every step, a context conference
    chaired by one of the partnership's child protection chairs, and a context plan with partners'
    actions, due for review in about two months."""
    from mace.accounts.models import User
    from mace.core.access import POLICY

    chair_roles = [r for r, c in POLICY.items() if c.chair_conferences]
    chair = (
        User.objects.filter(
            is_active=True, role_assignments__role__in=chair_roles, agency__partnerships=partnership
        )
        .order_by("pk")
        .first()
    )
    children = list(Person.objects.filter(network_links__subject=place).distinct().order_by("pk"))
    if chair is None or not children:
        return 0
    today = ctx.today
    a = services.context_start(
        subject=place,
        data=services.TriggerIn(
            trigger="Four girls found at or outside the takeaway late at night in three months; a silver BMW "
            "seen collecting girls outside.",
            triggered_on=today - timedelta(days=45),
            source_kind="meeting",
            source_id="MACE panel",
        ),
        by=ctx.actor,
    )
    a = services.context_scope(
        assessment=a,
        area="Kebab Palace, the High Street between the bus station and the takeaway, and the car park "
        "behind it",
        children=children,
        by=ctx.actor,
        version=a.version,
    )
    for days, where, what in (
        (
            38,
            "High Street, 10pm",
            "Groups of girls of secondary school age waiting outside; two adult men "
            "offering free food and lifts.",
        ),
        (
            31,
            "Car park behind the takeaway",
            "A silver BMW parked with its engine running; no CCTV covers the car park; poor lighting.",
        ),
    ):
        a = services.context_observe(
            assessment=a,
            on=today - timedelta(days=days),
            where=where,
            what=what,
            safety=[
                services.SafetyIn(
                    "The car park behind the takeaway", "unsafe", "Men wait in cars; it is dark"
                ),
                services.SafetyIn(
                    "The youth centre on Mill Lane", "safe", "Staff know us and it is open late"
                ),
            ]
            if days == 38
            else [],
            by=ctx.actor,
            version=a.version,
        )
    a = services.context_weigh(
        assessment=a,
        contexts=[
            services.ContextIn(
                "peer",
                "Older girls introduce younger ones to the men",
                "Friends look out for each other at the youth centre",
            ),
            services.ContextIn(
                "neighbourhood", "Late opening, a dark car park, no CCTV", "Youth centre nearby"
            ),
            services.ContextIn("school", "", "Halbury Academy's safeguarding lead knows the pattern"),
        ],
        judgement="The takeaway and the car park are a context of sexual exploitation after 9pm; the peer "
        "group both draws girls in and protects them.",
        by=ctx.actor,
        version=a.version,
    )
    held = today - timedelta(days=20)
    services.context_conference(
        assessment=a,
        data=services.ConferenceIn(
            held_on=held,
            chair=chair,
            attendees=[
                services.AttendeeIn("Licensing officer", "Halbury Council licensing"),
                services.AttendeeIn("Neighbourhood inspector", "Eastshire Police"),
                services.AttendeeIn("Designated safeguarding lead", "Halbury Academy"),
                services.AttendeeIn("Community safety manager", "Community safety partnership"),
            ],
            discussion="The takeaway stays open until 2am and men use its car park to meet girls. Staff "
            "have not reported concerns. The car park has no lighting.",
            decisions="Licensing review of the takeaway; lighting and CCTV for the car park; patrols on "
            "Friday and Saturday nights; assemblies at the academy.",
        ),
        by=ctx.actor,
        version=a.version,
    )
    a.refresh_from_db()
    services.context_plan_save(
        assessment=a,
        data=services.ContextPlanIn(
            summary="Make the takeaway and its car park unsafe for adults exploiting girls, and safe for the "
            "girls who meet there.",
            review_on=held + timedelta(days=80),
            actions=[
                services.ContextActionIn(
                    "Licensing review of opening hours and staff training",
                    "licensing",
                    "Halbury Council licensing team",
                    held + timedelta(days=30),
                ),
                services.ContextActionIn(
                    "Lighting and CCTV in the car park",
                    "community_safety",
                    "Community safety manager",
                    held + timedelta(days=60),
                ),
                services.ContextActionIn(
                    "Night patrols on Fridays and Saturdays",
                    "police",
                    "Halbury neighbourhood team",
                    held + timedelta(days=7),
                    "Patrols started",
                ),
                services.ContextActionIn(
                    "Healthy relationships assemblies",
                    "school",
                    "Halbury Academy DSL",
                    held + timedelta(days=45),
                ),
                services.ContextActionIn(
                    "Late bus stop moved to the lit side of the High Street",
                    "transport",
                    "Eastshire Buses",
                    held + timedelta(days=90),
                ),
            ],
        ),
        by=ctx.actor,
        version=0,
    )
    return 1
