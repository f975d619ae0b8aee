"""The plans part of the synthetic partnership: every allocated child of the main partnership has one
plan with several versions (early help stepping up to child in need or child protection, or down),
agreed with contingencies, reviewed, and read by some of the professionals involved but not all.
A few current versions are drafts still without a contingency, as inspectors found."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step
from mace.people.models import ChronologyEvent, Involvement

from .models import Plan, PlanReceipt, PlanReview, PlanStatus, PlanType, PlanVersion

T = PlanType
LADDER = [T.EARLY_HELP, T.CHILD_IN_NEED, T.CHILD_PROTECTION, T.CARED_FOR]
NEEDS = [
    "Going missing overnight with older males; not attending school; new phone and clothes not explained.",
    "Found in another town with drugs and cash; associating with a known county lines group.",
    "Relationship with an adult male met online; sharing images; low mood and self-harm.",
    "Excluded from school; spending days in the town centre; arrested with older teenagers.",
]
OUTCOMES = [
    "Back in education ten sessions a week; no missing episodes for three months.",
    "Safe at home every night; knows who to call when pressured to go out.",
    "Stops contact with the adult; understands grooming; keeps her CAMHS appointments.",
]
CHILD_VIEWS = [
    "I don't want to go back to that school, everyone knows me there.",
    "They're my mates. Nobody else listens to me.",
    "I want my mum to stop shouting. I'd stay in if it was calm.",
    "I'd like to do boxing again, that helped.",
    "",
]
FAMILY_VIEWS = [
    "Mum wants help setting boundaries and feels the police come too late.",
    "Dad is worried she is being used; wants her moved away from the area.",
    "Carers say he is settling but goes out after school and comes back late.",
]
CONTINGENCIES = [
    "If missing again: a strategy meeting within 24 hours, police and school present; "
    "consider a move of placement.",
    "If risk increases (new associates, found out of area): step up to child protection and "
    "an immediate strategy discussion.",
    "If school attendance drops below 60% for two weeks: a professionals meeting and an "
    "alternative provision referral within five days.",
]
ACTIONS = [
    "Weekly direct work on exploitation and healthy relationships",
    "Make a referral to the youth service for evening activities",
    "Disruption visits to the address in Warrenford",
    "Arrange a managed move to a new school",
    "CAMHS assessment appointment",
    "Return home interview after every missing episode",
    "Safety plan with the family, reviewed fortnightly",
    "Tuition five hours a week until a school place is found",
]
ATTENDEES = "Allocated worker, school, police, parent; the child attended part of the meeting."
NOT_USED = "The risk was managed by the police response on the night; agreed at the review."
REASONS_UP = "Risk increased: {} after a strategy meeting."
REASONS = [
    "Updated after the core group meeting.",
    "Actions updated: two completed, one new.",
    "New school named; tuition arranged.",
    "Child's views recorded after direct work.",
]


def _type_of_team(code: str) -> T:
    if code.endswith("-eh"):
        return T.EARLY_HELP
    if code.endswith("-cp"):
        return T.CHILD_PROTECTION
    if code.endswith("-cared-for"):
        return T.CARED_FOR
    return T.CHILD_IN_NEED


def _actions(
    rng: random.Random,
    owners: list[tuple[str, str]],
    at: datetime,
    now: datetime,
    previous: list[dict[str, str]],
) -> list[dict[str, str]]:
    out = []
    for a in previous:  # keep most earlier actions, some completed since
        if rng.random() < 0.15:
            continue
        a = dict(a)
        if not a["done"] and date.fromisoformat(a["due"]) < at.date() and rng.random() < 0.6:
            a["done"] = min(
                at.date(), date.fromisoformat(a["due"]) + timedelta(days=rng.randint(-5, 10))
            ).isoformat()
        out.append(a)
    for text in rng.sample(ACTIONS, k=rng.randint(1, 3)):
        owner, agency = rng.choice(owners)
        due = (at + timedelta(days=rng.randint(7, 90))).date()
        out.append(
            {
                "key": uuid.UUID(int=rng.getrandbits(128)).hex[:12],
                "text": text,
                "owner": owner if rng.random() < 0.8 else "",
                "agency": agency,
                "due": due.isoformat(),
                "done": "",
            }
        )
    return out


@step(52, "plans")
def build_plans(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    partnership = ctx.org["partnerships"][MAIN]
    now = ctx.now
    involvements = list(
        Involvement.objects.filter(
            person__partnership=partnership, person_id__in=ctx.child_ids, ended_at__isnull=True
        )
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .select_related("team__agency", "worker")
        .order_by("person_id", "pk")
    )
    by_child: dict[int, list[Involvement]] = {}
    for inv in involvements:
        by_child.setdefault(inv.person_id, []).append(inv)
    allocated = {
        pid: next(i for i in invs if i.kind == Involvement.Kind.ALLOCATED)
        for pid, invs in by_child.items()
        if any(i.kind == Involvement.Kind.ALLOCATED for i in invs)
    }
    if not allocated:
        ctx.task("Plans, versions, reviews and receipts", 0)
        return {}
    # Each child's plan drafted, then written with its versions, reviews and receipts.
    advance = ctx.task("Plans, versions, reviews and receipts", 2 * len(allocated))
    plans: list[Plan] = []
    drafts: dict[int, list[dict[str, Any]]] = {}
    for pid, alloc in sorted(allocated.items()):
        final = _type_of_team(alloc.team.code)
        count = rng.randint(2, 5)
        # The plan's history: start lower and step up to where the child is now, sometimes step down.
        start_index = max(0, LADDER.index(final) - rng.randint(0, 2))
        types = [
            LADDER[min(start_index + (i * (LADDER.index(final) - start_index)) // max(1, count - 1), 3)]
            for i in range(count)
        ]
        types[-1] = final
        started = now - timedelta(days=rng.randint(60, 690))  # within the two years of history
        times = sorted(
            started + timedelta(days=rng.uniform(0, (now - started).days - 1)) for _ in range(count - 1)
        )
        times = [started] + [t.replace(microsecond=0) for t in times]
        owners = [(i.worker.get_full_name() if i.worker else "", i.team.agency.name) for i in by_child[pid]]
        author = alloc.worker
        label = (author.get_full_name() or author.username) if author else "system:demo"
        versions: list[dict[str, Any]] = []
        actions: list[dict[str, str]] = []
        child_views, views_at = "", None
        for n, (plan_type, at) in enumerate(zip(types, times, strict=True), start=1):
            actions = _actions(rng, owners, at, now, actions)
            new_views = rng.choice(CHILD_VIEWS) if n == 1 or rng.random() < 0.4 else child_views
            if new_views != child_views:
                child_views, views_at = new_views, (at if new_views else None)
            last = n == count
            status = PlanStatus.DRAFT if last and rng.random() < 0.08 else PlanStatus.AGREED
            if n == 1:
                reason = "First version of the plan"
            elif plan_type != types[n - 2]:
                reason = (
                    REASONS_UP.format(f"now {plan_type.label.lower()}")
                    if LADDER.index(plan_type) > LADDER.index(types[n - 2])
                    else f"Stepped down to {plan_type.label.lower()} at review."
                )
            else:
                reason = rng.choice(REASONS)
            versions.append(
                {
                    "number": n,
                    "created_at": at,
                    "created_by": author,
                    "created_by_label": label,
                    "reason": reason,
                    "plan_type": plan_type,
                    "status": status,
                    "needs_and_risks": rng.choice(NEEDS),
                    "outcomes": rng.choice(OUTCOMES),
                    "child_views": child_views,
                    "child_views_at": views_at,
                    "family_views": rng.choice(FAMILY_VIEWS),
                    "contingency": "" if status == PlanStatus.DRAFT else rng.choice(CONTINGENCIES),
                    "actions": actions,
                }
            )
        plans.append(
            bulk.row(
                Plan,
                person_id=pid,
                partnership=partnership,
                created_at=times[0],
                updated_at=times[-1],
                plan_type=types[-1],
                status=versions[-1]["status"],
                version=count,
            )
        )
        drafts[pid] = versions
        advance(1)
    bulk.create(Plan, plans)
    saved = {p.person_id: p for p in plans}
    rows: list[PlanVersion] = []
    receipts: list[PlanReceipt] = []
    reviews: list[PlanReview] = []
    events: list[ChronologyEvent] = []
    for pid, versions in drafts.items():
        advance(1)
        plan = saved[pid]
        for v in versions:
            rows.append(bulk.row(PlanVersion, plan=plan, **v))
            events.append(
                bulk.row(
                    ChronologyEvent,
                    person_id=pid,
                    kind=ChronologyEvent.Kind.PLAN,
                    occurred_at=v["created_at"],
                    title=f"{v['plan_type'].label} plan version {v['number']} "
                    + ("agreed" if v["status"] == PlanStatus.AGREED else "saved as a draft"),
                    body=v["reason"],
                    actor_label=v["created_by_label"],
                )
            )
        latest = len(versions)
        for inv in by_child[pid]:
            if inv.worker is None:
                continue
            if inv.kind == Involvement.Kind.ALLOCATED:
                seen = latest
            else:
                r = rng.random()
                seen = latest if r < 0.65 else (rng.randint(1, latest - 1) if r < 0.88 else 0)
            if seen:
                at = versions[seen - 1]["created_at"] + timedelta(hours=rng.randint(1, 96))
                receipts.append(
                    bulk.row(
                        PlanReceipt,
                        plan=plan,
                        user=inv.worker,
                        number=seen,
                        seen_at=min(at, now),
                        acknowledged_at=min(at, now) if rng.random() < 0.7 else None,
                    )
                )
        for v in versions[1:]:
            if rng.random() < 0.6:
                needed = rng.random() < 0.3
                used = needed and rng.random() < 0.7
                held = (v["created_at"] - timedelta(days=rng.randint(0, 2))).date()
                reviews.append(
                    bulk.row(
                        PlanReview,
                        plan=plan,
                        reviewed_version=v["number"] - 1,
                        held_on=max(held, plan.created_at.date()),
                        attendees=ATTENDEES,
                        progress=rng.choice(
                            [
                                "Attending school most days; one missing episode since the last review.",
                                "No missing episodes; engaging with the youth worker.",
                                "Little progress: still associating with the same group.",
                            ]
                        ),
                        child_views=rng.choice(CHILD_VIEWS),
                        contingency_needed=needed,
                        contingency_used=used,
                        contingency_not_used_reason="" if not needed or used else NOT_USED,
                        child_safer=rng.choice(["yes", "yes", "unclear", "no"]),
                        decision="change_type"
                        if v["plan_type"] != versions[v["number"] - 2]["plan_type"]
                        else "continue",
                        new_type=v["plan_type"]
                        if v["plan_type"] != versions[v["number"] - 2]["plan_type"]
                        else "",
                        recorded_at=v["created_at"],
                        recorded_by_label=v["created_by_label"],
                    )
                )
    bulk.create(PlanVersion, rows)
    bulk.create(PlanReceipt, receipts)
    bulk.create(PlanReview, reviews)
    bulk.create(ChronologyEvent, events)
    bulk.log_created(ctx.actor, "plan", plans)
    return {"Plans": len(saved), "Plan versions": len(rows), "Plan reviews": len(reviews)}
