"""The improvement part of the synthetic partnership: the main partnership runs the real action plan that
MACE ships (the JTAI plan, every action 1.1a to 6.3a with its progress as of 14 December 2022), a
completed audit programme with ED audits and front door dip samples, and two rapid reviews."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from mace.accounts.models import Partnership
from mace.core import clocks
from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step
from mace.health import selectors as health_selectors

from . import plan_file, services


@step(90, "improvement")
def load_action_plan(ctx: DemoContext) -> dict[str, int]:
    parsed = plan_file.read(plan_file.SHIPPED)
    partnership = Partnership.objects.get(code=MAIN)
    advance = ctx.task("The partnership's action plan", len(parsed.rows))
    result = services.plan_import(parsed=parsed, partnership=partnership, actor=ctx.actor, progress=advance)
    return {"Action plan actions": result.actions_created + result.unchanged}


@step(91, "training")
def load_training(ctx: DemoContext) -> dict[str, int]:
    from .training import generate

    advance = ctx.task("Training: courses, the register, attendance", 1)
    counts = generate.generate(
        partnership=Partnership.objects.get(code=MAIN), rng=ctx.rng, today=ctx.today, actor=ctx.actor
    )
    advance(1)
    return counts


@step(92, "governance")
def load_governance(ctx: DemoContext) -> dict[str, int]:
    from .governance import generate

    advance = ctx.task("Governance: lead professionals and meetings", 1)
    counts = generate.generate(
        partnership=Partnership.objects.get(code=MAIN), rng=ctx.rng, today=ctx.today, actor=ctx.actor
    )
    advance(1)
    return counts


# Audits and dip samples, rapid reviews ---------------------------------------------------------------------


def _month_back(first: date, n: int) -> tuple[date, date]:
    start = first
    for _ in range(n):
        start = (start - timedelta(days=1)).replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end


@step(93, "audits and rapid reviews")
def audits_and_reviews(ctx: DemoContext) -> dict[str, int]:
    """The year's audit programme, agreed by the executive: six monthly ED audits per trust (answered from
    what the records say, with the auditor's view of the planning and discharge improving as the plan takes
    effect) and two multi-agency dip samples of front door contacts; and two rapid reviews, one done on time
    with its learning shared, one still open."""
    from mace.accounts.models import Agency, User

    from .audits import selectors as audit_selectors
    from .audits import services as audit_services

    rng = random.Random(ctx.rng.randrange(10**9))
    partnership = Partnership.objects.get(code=MAIN)
    advance = ctx.task("Audits and rapid reviews", 3)
    year = ctx.today.year if ctx.today.month >= 4 else ctx.today.year - 1
    if audit_selectors.programme_of(partnership, year) is not None:  # generated before: leave it as it is
        advance(3)
        return {"Audits": 0, "Rapid reviews": 0}
    programme = audit_services.programme_create(
        partnership=partnership,
        year=year,
        title=f"Multi-agency audit programme {year} to {year + 1}",
        agreed_on=date(year, 4, 12) if date(year, 4, 12) <= ctx.today else None,
        agreed_by="LSCP Executive",
        by=ctx.actor,
    )
    first = ctx.today.replace(day=1)
    audits = 0
    for trust in Agency.objects.filter(kind=Agency.Kind.HEALTH, partnerships=partnership).order_by("pk"):
        for months_ago in range(6, 0, -1):
            start, end = _month_back(first, months_ago)
            try:
                made = audit_services.audit_draw(
                    partnership=partnership,
                    rule=audit_services.Rule(
                        tool_code="ed",
                        period_start=start,
                        period_end=end,
                        size=22,
                        seed=rng.randrange(10**6),
                        trust=trust,
                    ),
                    title=f"ED audit {trust.name} {start:%B %Y}",
                    programme=programme,
                    by=ctx.actor,
                )
            except ValidationError:  # a month with no attendances (a small demo) has no audit
                continue
            quality = 0.7 + 0.04 * (6 - months_ago)
            facts = health_selectors.audit_facts([r.source_id for r in made.records.all()])
            for record in made.records.all():
                f = facts[record.source_id]
                audit_services.record_answer(
                    record=record,
                    answers={
                        "risk_assessment": "yes" if f.exploitation_question_asked else "no",
                        "cpis_checked": "yes" if f.cpis_checked else "no",
                        "clear_planning": "yes" if rng.random() < quality else "no",
                        "discharge_safe": "yes" if rng.random() < quality + 0.1 else "no",
                        "seen_alone": {True: "yes", False: "no", None: "na"}[f.seen_alone],
                    },
                    by=ctx.actor,
                )
            audits += 1
    advance(1)
    manager = User.objects.filter(username="frontdoor.manager").first()
    officer = User.objects.filter(username="police").first()
    nurse = User.objects.filter(username="healthlead").first()
    for months_ago, quality in ((2, 0.6), (1, 0.8)):
        start, end = _month_back(first, months_ago)
        try:
            made = audit_services.audit_draw(
                partnership=partnership,
                rule=audit_services.Rule(
                    tool_code="front_door",
                    period_start=start,
                    period_end=end,
                    size=10,
                    seed=rng.randrange(10**6),
                    stratify=True,
                ),
                title=f"Front door dip sample: exploitation, {start:%B %Y}",
                programme=programme,
                by=ctx.actor,
            )
        except ValidationError:
            continue
        for kind, who in (("csc", manager), ("police", officer), ("health", nurse)):
            if who is not None:
                audit_services.audit_assign(audited=made, agency_kind=kind, auditors=[who], by=ctx.actor)
        for record in made.records.all():

            def yes(q: float = quality) -> str:
                return "yes" if rng.random() < q else "no"

            audit_services.record_answer(
                record=record,
                answers={
                    "decided_in_time": yes(),
                    "history_considered": yes(),
                    "voice_recorded": yes(quality - 0.1),
                    "threshold_right": yes(quality + 0.1),
                    "management_oversight": yes(),
                    "police_information_shared": yes(quality + 0.05),
                    "health_information_shared": yes(quality - 0.05),
                },
                by=ctx.actor,
            )
        audits += 1
    advance(1)
    reviews = _reviews(ctx, partnership)
    advance(1)
    return {"Audits": audits, "Rapid reviews": reviews}


def _reviews(ctx: DemoContext, partnership: Partnership) -> int:
    from .reviews import services as review_services

    today = ctx.today
    done_notified = clocks.add_working_days(today, -60)
    done = review_services.review_create(
        partnership=partnership,
        kind="rapid",
        reference=f"RR {done_notified.year}/01",
        summary="A 15-year-old found in another county after three missing episodes: county lines.",
        notified_on=done_notified,
        themes=["exploitation", "missing", "information_sharing"],
        by=ctx.actor,
    )
    review_services.review_complete(
        review=done, completed_on=clocks.add_working_days(done_notified, 14), by=ctx.actor
    )
    for text, action, owner, offset, complete in (
        (
            "ED attendances of children known to be missing reach the front door the same day",
            "A daily list from both EDs to the front door",
            "Named nurses for safeguarding children",
            20,
            True,
        ),
        (
            "Return home interviews are shared with the child's school",
            "Add schools to the return home interview distribution",
            "Head of Service, Children's Safeguarding",
            90,
            False,
        ),
    ):
        rec = review_services.recommendation_add(review=done, text=text, by=ctx.actor)
        act = review_services.action_add(
            recommendation=rec,
            text=action,
            owner=owner,
            due=clocks.add_working_days(done_notified, offset),
            by=ctx.actor,
        )
        if complete:
            review_services.action_update(
                action=act, on=today, text="Live at both trusts", completed=True, by=ctx.actor
            )
    review_services.learning_share(
        review=done,
        learning="Missing episodes are a warning of criminal exploitation: share them the same day.",
        shared_on=today,
        how="The partnership's learning week and briefings to every front door team",
        by=ctx.actor,
    )
    open_notified = clocks.add_working_days(today, -6)
    review_services.review_create(
        partnership=partnership,
        kind="rapid",
        reference=f"RR {open_notified.year}/02",
        summary="A 14-year-old admitted after an assault; known to three agencies.",
        notified_on=open_notified,
        themes=["exploitation", "health"],
        by=ctx.actor,
    )
    return 2
