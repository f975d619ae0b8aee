"""The missing part of the synthetic partnership: a year of episodes. Most are short and end with the
child home by morning; some last days; a few children go missing again and again, together, to the
same places. Return home interviews get quicker over the year; a minority of notices to children's
social care were never sent or sent late (the interim process inspectors saw), so the monthly dataset
has real mismatches to show.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from mace.core import clocks
from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import HISTORY_DAYS, DemoContext, step
from mace.people.models import ChronologyEvent, Involvement, Person

from .models import (
    MissingEpisode,
    MissingNotice,
    MorningList,
    ReturnInterview,
    StrategyRequirement,
    TriggerPlan,
)
from .services import PULL_FACTORS, PUSH_FACTORS, place_key

DAYS = HISTORY_DAYS
YEARS = DAYS / 365
SHARE_OF_CHILDREN = 0.10  # children in the demo cohort who go missing in a year
# (place as usually typed, other spellings)
PLACES = [
    ("Halbury bus station", ["Halbury Bus Stn", "halbury bus station", "Bus station, Halbury"]),
    ("Riverside Park, Eastbridge", ["Riverside park", "Riverside Pk Eastbridge"]),
    (
        "Flat above the takeaway, Warrenford High Street",
        ["Flat on Warrenford High St", "warrenford high street flat"],
    ),
    ("McDonald's, Halbury retail park", ["McDonalds Halbury", "Halbury retail park"]),
    ("Friend's house, Eastbridge", ["Friends house Eastbridge"]),
    ("Grandmother's address", ["Nan's house", "Grandparent's home"]),
    ("Westshire city centre", ["Westshire town centre", "City centre, Westshire"]),
    ("Railway station, Warrenford", ["Warrenford train station"]),
    ("Home address (returned by themselves)", ["Home"]),
]
GROUP_PLACES = [PLACES[2], PLACES[0], PLACES[1]]
# Places beyond the four partnerships: a child found there was found outside the area (county lines).
OUTSIDE_PLACES = [
    ("Piccadilly station, Manchester", ["Manchester Piccadilly", "Piccadilly train station"]),
    ("Lime Street station, Liverpool", ["Liverpool Lime St"]),
    ("Flat in Digbeth, Birmingham", ["Birmingham flat", "Digbeth, Birmingham"]),
]
OUTSIDE = {name for main, others in OUTSIDE_PLACES for name in [main, *others]}
FOUND_WITH = [
    "Friends of the same age",
    "Older males",
    "Boyfriend, 19",
    "Alone",
    "Unknown adults in a car",
    "Cousin",
]
LAST_SEEN = [
    "Home address",
    "Children's home",
    "School gates",
    "Halbury bus station",
    "Foster carer's address",
]
ACCOUNTS = [
    "I just needed to get away from the arguing.",
    "I was with my mates, nothing happened.",
    "They said I could stay there if I helped out.",
    "I didn't want to go back to the placement.",
    "I don't know, I just went.",
    "He buys me things and lets me stay over.",
]
CIRCUMSTANCES = [
    "Did not return home after school. Phone switched off.",
    "Left the placement after an argument with staff; took a bag.",
    "Went out in the evening and did not come back; friends say she was picked up by a car.",
    "Absconded from the children's home through a window at night.",
    "Missed curfew; known to associate with older males.",
]


def _hour(rng: random.Random) -> int:
    # Most children go missing in the afternoon and evening.
    return rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 5, 6, 8, 9, 9, 10, 10, 9, 7, 4, 2]
    )[0]


def _duration(rng: random.Random, long: bool = False) -> timedelta:
    hours = rng.lognormvariate(math.log(30 if long else 9), 0.9)
    return timedelta(hours=min(hours, 24 * 12))


def _place(rng: random.Random, choice: tuple[str, list[str]] | None = None) -> str:
    if choice is None and rng.random() < 0.06:
        choice = rng.choice(OUTSIDE_PLACES)
    main, others = choice or rng.choice(PLACES)
    return main if rng.random() < 0.7 else rng.choice(others)


@step(40, "missing")
def build_missing(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    teams = ctx.org["teams"]
    partnership = ctx.org["partnerships"][MAIN]
    children = list(
        Person.objects.filter(partnership=partnership, kind=Person.Kind.CHILD, pk__in=ctx.child_ids)
        .order_by("pk")
        .values_list("pk", "given_names", "family_name")
    )
    if not children:
        ctx.task("Generating two years of missing episodes", 0)
        return {}
    police_team = teams["police-vh"]
    rhi_team = teams.get("compass-rhi-east")
    now = ctx.now
    start = now - timedelta(days=DAYS)
    names = {pk: f"{g} {f}" for pk, g, f in children}
    # Children in care (allocated to a cared-for team) go missing from care, and more often than others.
    in_care = set(
        Involvement.objects.filter(
            person_id__in=names, kind=Involvement.Kind.ALLOCATED, team__code__endswith="-cared-for"
        ).values_list("person_id", flat=True)
    )
    goers = rng.sample([c[0] for c in children], k=max(3, int(len(children) * SHARE_OF_CHILDREN)))
    goers += [p for p in sorted(in_care - set(goers)) if rng.random() < 0.5]
    repeaters = goers[: max(3, len(goers) // 7)]
    groups = [
        repeaters[i : i + 3] for i in range(0, min(len(repeaters), 12), 3) if len(repeaters[i : i + 3]) > 1
    ]
    grouped = {p for g in groups for p in g}

    # Plan each child's episodes as (last seen, duration, place, with, group label), never overlapping.
    plans: dict[int, list[tuple[datetime, timedelta, str, str, bool]]] = {p: [] for p in goers}
    for index, group in enumerate(groups):
        place = GROUP_PLACES[index % len(GROUP_PLACES)]
        for _ in range(round(rng.randint(5, 9) * YEARS)):
            seen = start + timedelta(days=rng.uniform(0, DAYS - 3))
            seen = seen.replace(hour=_hour(rng), minute=rng.randrange(60), second=0, microsecond=0)
            length = _duration(rng, long=rng.random() < 0.3)
            for p in group:
                others = ", ".join(names[o] for o in group if o != p)
                jitter = timedelta(minutes=rng.randint(-40, 40))
                plans[p].append(
                    (seen + jitter, length + jitter, _place(rng, place), f"{others} and older males", True)
                )
    for p in goers:
        count = (
            rng.randint(3, 10)
            if p in repeaters and p not in grouped
            else (0 if p in grouped else 1 + (rng.random() < 0.25))
        )
        for _ in range(round(count * YEARS)):  # as many a year as before, over the whole history
            seen = start + timedelta(days=rng.uniform(0, DAYS - 1))
            seen = seen.replace(hour=_hour(rng), minute=rng.randrange(60), second=0, microsecond=0)
            plans[p].append(
                (seen, _duration(rng, long=rng.random() < 0.05), _place(rng), rng.choice(FOUND_WITH), False)
            )
    # A few children missing right now, two of them for more than 48 hours.
    for i, p in enumerate(rng.sample(goers, k=min(8, len(goers)))):
        hours_ago = [60, 80][i] if i < 2 else rng.uniform(1, 40)
        plans[p].append((now - timedelta(hours=hours_ago), timedelta(days=99), "", "", False))

    episodes: list[MissingEpisode] = []
    for p, plan in plans.items():
        plan.sort(key=lambda x: x[0])
        n = 0
        busy_until = start - timedelta(days=1)
        for seen, length, found, with_, together in plan:
            if seen <= busy_until or seen >= now:
                continue
            returned = seen + length
            open_now = returned >= now
            busy_until = now + timedelta(days=1) if open_now else returned
            reported = min(seen + timedelta(minutes=rng.randint(30, 360)), now - timedelta(minutes=5))
            n += 1
            harm = not open_now and rng.random() < (0.15 if together else 0.04)
            risk = 3 if together and rng.random() < 0.6 else rng.choices([1, 2, 3], weights=[35, 50, 15])[0]
            episodes.append(
                bulk.row(
                    MissingEpisode,
                    partnership=partnership,
                    police_ref=f"MFH/{seen:%y}/{p:07d}/{n}",
                    route="api",
                    reporting_agency=police_team.agency,
                    subject={"given_names": names[p].split(" ")[0], "family_name": names[p].split(" ", 1)[1]},
                    person_id=p,
                    match_status=MissingEpisode.Match.MATCHED,
                    match_score=1.0,
                    # "Absent" is only ever from a placement: a child in care away without permission.
                    category=MissingEpisode.Category.ABSENT
                    if p in in_care and rng.random() < 0.35
                    else MissingEpisode.Category.MISSING,
                    setting=MissingEpisode.Setting.CARE if p in in_care else MissingEpisode.Setting.HOME,
                    risk=risk,
                    reported_at=reported,
                    last_seen_at=seen,
                    last_seen_place=rng.choice(LAST_SEEN),
                    last_seen_with="Friends" if together else "",
                    circumstances=rng.choice(CIRCUMSTANCES),
                    status=MissingEpisode.Status.MISSING if open_now else MissingEpisode.Status.RETURNED,
                    returned_at=None if open_now else max(returned, reported + timedelta(minutes=10)),
                    found_place="" if open_now else found,
                    found_place_key="" if open_now else place_key(found),
                    found_by=""
                    if open_now
                    else rng.choice(["police", "family", "self", "self", "professional"]),
                    found_with="" if open_now else with_,
                    # Not recorded on about one return in ten (the question is new to some officers).
                    found_outside_area=None if open_now or rng.random() < 0.1 else found in OUTSIDE,
                    child_account="" if open_now or rng.random() < 0.3 else rng.choice(ACCOUNTS),
                    harm_disclosed=harm,
                    harm_details="Disclosed being made to carry drugs to another town." if harm else "",
                    return_recorded_at=None if open_now else returned,
                    strategy_due_at=clocks.strategy_meeting_due(seen),
                )
            )
    bulk.create(MissingEpisode, episodes)
    advance = ctx.task("Generating two years of missing episodes", len(episodes))

    notices: list[MissingNotice] = []
    interviews: list[ReturnInterview] = []
    strategies: list[StrategyRequirement] = []
    events: list[ChronologyEvent] = []
    for e in episodes:
        advance(1)  # before anything can skip the rest: children still missing count too
        roll = rng.random()
        if roll > 0.06:
            notices.append(
                bulk.row(
                    MissingNotice,
                    episode=e,
                    kind="reported",
                    sent_at=e.reported_at + timedelta(minutes=rng.randint(1, 90)),
                    recipients=6,
                )
            )
        elif roll > 0.03:
            notices.append(
                bulk.row(
                    MissingNotice,
                    episode=e,
                    kind="reported",
                    sent_at=e.reported_at + timedelta(hours=rng.randint(26, 70)),
                    recipients=6,
                )
            )
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=_pid(e),
                kind=ChronologyEvent.Kind.MISSING,
                occurred_at=e.reported_at,
                title=f"Reported {e.get_category_display().lower()} {e.get_setting_display().lower()}"
                f" ({e.get_risk_display().lower()} risk)",
                body=f"Last seen {e.last_seen_place}. {e.circumstances}",
                agency=police_team.agency,
                actor_label="system:demo",
            )
        )
        end = e.returned_at or now
        if end > e.strategy_due_at:
            held = e.strategy_due_at + timedelta(hours=rng.uniform(2, 30))
            strategies.append(
                bulk.row(
                    StrategyRequirement,
                    episode=e,
                    partnership=partnership,
                    required_at=e.strategy_due_at,
                    held_at=held if held < now and rng.random() < 0.85 else None,
                    police_attended=rng.random() < 0.8,
                    outcome="Section 47 enquiry agreed; police to visit known addresses; disruption plan.",
                    recorded_by_label="Hannah Walsh",
                )
            )
        if e.returned_at is None:
            continue
        if rng.random() < 0.95:
            notices.append(
                bulk.row(
                    MissingNotice,
                    episode=e,
                    kind="returned",
                    sent_at=e.returned_at + timedelta(minutes=rng.randint(5, 120)),
                    recipients=7,
                )
            )
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=_pid(e),
                kind=ChronologyEvent.Kind.MISSING,
                occurred_at=e.returned_at,
                title="Found or returned",
                body=f"Found at {e.found_place}. {e.child_account}",
                agency=police_team.agency,
                actor_label="system:demo",
            )
        )
        interviews.append(_interview(rng, e, partnership, rhi_team, now, start))
    bulk.create(ReturnInterview, interviews)
    bulk.create(MissingNotice, notices)
    bulk.create(StrategyRequirement, strategies)
    bulk.create(ChronologyEvent, events)
    _involve(episodes, police_team, rhi_team)
    advance_lists = ctx.task("Morning lists and police trigger plans", DAYS + 2)
    lists = _morning_lists(rng, partnership, episodes, now, advance_lists)
    trigger_plans = _trigger_plans(rng, partnership, repeaters, plans, now)
    advance_lists(1)
    bulk.log_created(ctx.actor, "missing_episode", episodes)
    bulk.log_created(ctx.actor, "return_interview", interviews)
    return {
        "Missing episodes": len(episodes),
        "Children missing now": sum(1 for e in episodes if e.returned_at is None),
        "Return home interviews": len(interviews),
        "Morning lists shared": lists,
        "Police trigger plans": trigger_plans,
    }


def _trigger_plans(
    rng: random.Random,
    partnership: Any,
    repeaters: list[int],
    plans: dict[int, list[tuple[datetime, timedelta, str, str, bool]]],
    now: datetime,
) -> int:
    """Most repeat missing children get a police trigger plan a few days after their third episode;
    some are reviewed since, some are overdue for review, and a few children still have none."""
    made: list[TriggerPlan] = []
    for p in repeaters:
        seen = sorted(s[0] for s in plans.get(p, []))
        if len(seen) < 3 or rng.random() < 0.2:
            continue
        created = min(seen[2] + timedelta(days=rng.randint(1, 12)), now - timedelta(days=1))
        updated, version = created, 1
        while rng.random() < 0.5 and updated + timedelta(days=80) < now:
            updated, version = updated + timedelta(days=rng.randint(60, 100)), version + 1
        updated = min(updated, now - timedelta(hours=2))
        place = plans[p][0][2]
        made.append(
            bulk.row(
                TriggerPlan,
                person_id=p,
                partnership=partnership,
                version=version,
                triggers="Arguments at home about curfew; contact from older males on social media.",
                places=f"{place}; the bus station; addresses known to the Vulnerability Hub.",
                associates=plans[p][-1][3],
                actions=(
                    f"Grade at least medium. Call the allocated worker, check {place} within the hour, "
                    "send the child's photo to patrols, and ask the Vulnerability Hub about known addresses."
                ),
                created_at=created,
                created_by_label="PC Daniel Osei",
                updated_at=updated,
                updated_by_label="PC Daniel Osei",
                review_due_on=timezone.localdate(updated)
                + timedelta(days=settings.MACE_TRIGGER_PLAN_REVIEW_DAYS),
            )
        )
    bulk.create(TriggerPlan, made)
    return len(made)


def _pid(e: MissingEpisode) -> int:
    assert e.person_id is not None  # every demo episode is about a known child
    return e.person_id


def _interview(
    rng: random.Random, e: MissingEpisode, partnership: Any, team: Any, now: datetime, start: datetime
) -> ReturnInterview:
    assert e.returned_at is not None
    due = clocks.rhi_offer_due(e.returned_at)
    progress = (e.returned_at - start) / (now - start)  # 0 two years ago, 1 today
    on_time = 0.7 + 0.22 * progress
    offered = e.returned_at + timedelta(
        hours=rng.uniform(3, 70) if rng.random() < on_time else rng.uniform(73, 150)
    )
    i = bulk.row(
        ReturnInterview,
        episode=e,
        partnership=partnership,
        team=team,
        created_at=e.returned_at,
        offer_due_at=due,
    )
    if offered >= now:
        return i
    i.offered_at, i.offered_by_label, i.response = offered, "Jade Thompson", ReturnInterview.Response.OFFERED
    replied = offered + timedelta(hours=rng.uniform(1, 30))
    if replied >= now:
        return i
    roll = rng.random()
    if roll < 0.7:
        i.response, i.responded_at = ReturnInterview.Response.ACCEPTED, replied
        held = replied + timedelta(hours=rng.uniform(2, 60))
        if held < now:
            i.completed_at, i.completed_by_label = held, "Jade Thompson"
            i.push_factors = rng.sample(list(PUSH_FACTORS), k=rng.randint(0, 2))
            i.pull_factors = rng.sample(list(PULL_FACTORS), k=rng.randint(1, 2))
            if e.found_with and "older" in e.found_with.lower():
                i.pull_factors = sorted({*i.pull_factors, "older_associates"})
            i.where_stayed = e.found_place
            i.who_with = e.found_with
            i.child_words = rng.choice(ACCOUNTS)
    elif roll < 0.9:
        i.response, i.responded_at = ReturnInterview.Response.DECLINED, replied
        if rng.random() < 0.85 and replied + timedelta(days=2) < now:
            i.follow_up = "Allocated social worker to discuss the episode at the next visit."
            i.follow_up_at = replied + timedelta(days=1)
    return i


def _involve(episodes: list[MissingEpisode], police_team: Any, rhi_team: Any) -> None:
    people = {_pid(e) for e in episodes}
    returned = {_pid(e) for e in episodes if e.returned_at}
    existing = set(
        Involvement.objects.filter(person_id__in=people, ended_at__isnull=True).values_list(
            "person_id", "team_id"
        )
    )
    new = []
    started = datetime.now(UTC)
    for team, who, description in (
        (police_team, people, "Missing episodes"),
        (rhi_team, returned, "Return home interviews"),
    ):
        if team is None:
            continue
        for p in sorted(who):
            if p and (p, team.pk) not in existing:
                new.append(
                    bulk.row(
                        Involvement,
                        person_id=p,
                        team=team,
                        kind=Involvement.Kind.INVOLVED,
                        role_description=description,
                        started_at=started,
                    )
                )
    bulk.create(Involvement, new)


def _morning_lists(
    rng: random.Random,
    partnership: Any,
    episodes: list[MissingEpisode],
    now: datetime,
    advance: Callable[[int], None],
) -> int:
    """Each morning's list as it was shared: most days on time, a few missed, an occasional child left off."""
    by_start = sorted(episodes, key=lambda e: e.reported_at)
    starts = [e.reported_at for e in by_start]
    # Only episodes reported within the longest episode's length before a morning, or still open,
    # can be open that morning: look at those, not at the whole year, each day.
    longest = max((e.returned_at - e.reported_at for e in by_start if e.returned_at), default=timedelta(0))
    still_open = [i for i, e in enumerate(by_start) if e.returned_at is None]
    lists = []
    today = now.astimezone(clocks.LONDON).date()
    for offset in range(DAYS, -1, -1):
        advance(1)
        day: date = today - timedelta(days=offset)
        at = datetime.combine(day, time(8, rng.randint(0, 40)), tzinfo=clocks.LONDON).astimezone(UTC)
        if at > now or rng.random() < 0.04:
            continue
        lo, hi = bisect.bisect_left(starts, at - longest), bisect.bisect_right(starts, at)
        candidates = [by_start[i] for i in still_open if i < lo] + by_start[lo:hi]
        open_ids = [
            e.pk
            for e in candidates
            if e.reported_at <= at and (e.returned_at is None or e.returned_at > at) and rng.random() > 0.02
        ]
        lists.append(
            MorningList(
                partnership=partnership, shared_on=day, shared_at=at, episode_ids=open_ids, recipients=12
            )
        )
    MorningList.objects.bulk_create(lists, ignore_conflicts=True, batch_size=bulk.BATCH)
    return len(lists)
