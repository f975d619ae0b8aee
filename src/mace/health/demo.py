"""The emergency departments of the synthetic partnership: a year of children's attendances at both
trusts (some children not identified, frequent attenders, children who left before assessment), the
screening where the exploitation question indicated it, the safeguarding teams' discharge reviews,
and monthly ED audits whose compliance improves through the year as the action plan takes effect.

Attendances are bulk-created for speed; screenings, referrals to the front door and audits go
through the real services.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from mace.core import audit
from mace.demo import bulk
from mace.demo.organisation import MAIN
from mace.demo.registry import HISTORY_DAYS, DemoContext, step
from mace.frontdoor import demo as frontdoor_demo
from mace.frontdoor import services as frontdoor_services
from mace.frontdoor.models import Contact
from mace.people.models import ChronologyEvent, Flag, Identifier, Involvement, Person
from mace.screening import demo as screening_demo
from mace.screening import selectors as screening_selectors
from mace.screening import services as screening_services
from mace.screening.demo import EVIDENCE, close_old_contacts
from mace.screening.models import Screening

from . import services
from .models import AssessmentWait, Attendance, Audit, AuditAnswer, DischargeReview, Question

TRUSTS = [("mshft-ed", "mshft-safeguarding", 0.6), ("est-ed", "est-safeguarding", 0.4)]
COMPLAINTS = [
    ("Fall from a bike, wrist injury", False),
    ("Asthma attack", False),
    ("Head injury playing football", False),
    ("Abdominal pain", False),
    ("Allergic reaction", False),
    ("Laceration to the hand, says he fell on glass", True),
    ("Alcohol intoxication, found in the town centre at 02:00", True),
    ("Overdose of paracetamol", True),
    ("Assault: facial injuries, will not say who", True),
    ("Stab wound to the thigh", True),
    ("Request for emergency contraception", True),
]
NOT_ALONE = [
    "Parent present throughout; child asked for her to stay",
    "Too distressed to be separated from carer",
    "Adult with the child refused to leave",
    "Department too busy; no side room free",
]
LIAISON = ["school_nurse", "school_nurse", "health_visiting"]
RECENT = 5


def _arrival(rng: random.Random, day: Any) -> datetime:
    hour = rng.choices(
        range(24), weights=[2, 2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 5, 4, 3, 3]
    )[0]
    return datetime.combine(day, time(hour, rng.randrange(60))).replace(tzinfo=UTC)


@step(45, "emergency departments")
def build_emergency_departments(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    teams = ctx.org["teams"]
    staff = ctx.org["staff"]
    partnership = ctx.org["partnerships"][MAIN]
    children = list(
        Person.objects.filter(partnership=partnership, kind=Person.Kind.CHILD, pk__in=ctx.child_ids)
        .order_by("pk")
        .values_list("pk", "given_names", "family_name", "date_of_birth")
    )
    if not children or "mshft-ed" not in teams:
        ctx.task("Emergency department attendances", 0)
        return {}
    nhs = dict(
        Identifier.objects.filter(person_id__in=[c[0] for c in children], scheme="nhs").values_list(
            "person_id", "value"
        )
    )
    frequent = rng.sample(children, k=max(1, len(children) // 60))
    total = max(50, len(ctx.child_ids) * HISTORY_DAYS // (3 * 365))  # a third of the children a year
    actor = audit.Actor.system("demo-generator")
    attendances: list[Attendance] = []
    # Each attendance, then the four phases that follow: saving, screening, reviews, audits.
    advance = ctx.task("Emergency department attendances", total + RECENT + 4)
    for index in range(total + RECENT):
        advance(1)
        # The last few arrived in the past day or so: the discharge review queue is never empty.
        recent = index >= total
        ed_code = "mshft-ed" if recent else rng.choices(TRUSTS, weights=[w for *_, w in TRUSTS])[0][0]
        team = teams[ed_code]
        progress = 1.0 if recent else rng.random()  # where in the history: practice improves with the plan
        if recent:
            arrived = (ctx.now - timedelta(minutes=rng.randrange(4 * 60, 30 * 60))).astimezone(UTC)
        else:
            arrived = _arrival(rng, ctx.today - timedelta(days=int(HISTORY_DAYS * (1 - progress))))
        if arrived > ctx.now - timedelta(hours=1):
            continue
        child = rng.choice(frequent) if rng.random() < 0.15 else rng.choice(children)
        identified = rng.random() > 0.08
        subject: dict[str, Any] = {"given_names": child[1], "family_name": child[2]}
        if child[3] and rng.random() < 0.9:
            subject["date_of_birth"] = child[3].isoformat()
        if identified and nhs.get(child[0]):
            subject["nhs_number"] = nhs[child[0]]
        if not identified:
            subject = {"given_names": "Unknown", "family_name": rng.choice(["Male", "Female"])}
        complaint, worrying = rng.choice(COMPLAINTS)
        left = rng.random() < 0.06
        asked = rng.random() < 0.7 + 0.25 * progress
        concern = asked and worrying and rng.random() < 0.6
        seen_roll = rng.random()
        seen_alone = True if seen_roll < 0.6 + 0.2 * progress else False if seen_roll < 0.9 else None
        cpis = rng.random() < 0.75 + 0.22 * progress
        discharged = arrived + timedelta(minutes=rng.randrange(40, 360))
        in_department = discharged > ctx.now
        attendances.append(
            bulk.row(
                Attendance,
                partnership=partnership,
                trust=team.agency,
                department=team,
                person_id=child[0] if identified else None,
                subject=subject,
                arrived_at=arrived,
                presenting_complaint=complaint,
                accompanied_by=rng.choice(["Mother", "Father", "Foster carer", "Friend", "Police", ""]),
                seen_alone=seen_alone,
                not_seen_alone_reason=rng.choice(NOT_ALONE) if seen_alone is False else "",
                cpis_checked=cpis,
                cpis_result=rng.choices(["none", "cp_plan", "looked_after"], weights=[90, 6, 4])[0]
                if cpis
                else "",
                exploitation_question_asked=asked,
                exploitation_concern=concern,
                safeguarding_referral_made=concern and rng.random() < 0.5,
                child_voice=rng.choice(["I'm fine.", "I just want to go home.", "Don't tell my mum.", ""]),
                attendances_in_year=1,  # counted below, in time order
                discharged_at=None if in_department else discharged,
                left_before_assessment=left and not in_department,
                discharge_destination=""
                if in_department
                else rng.choice(["Home", "Home with carer", "Admitted"]),
                discharge_plan="" if in_department or left else "Home with advice; GP letter sent.",
                status=Attendance.Status.IN_DEPARTMENT if in_department else Attendance.Status.DISCHARGED,
                recorded_by=rng.choice(staff.get(ed_code) or [None]),
                recorded_by_label=f"{ed_code} nurse",
                recorded_at=arrived + timedelta(minutes=10),
            )
        )
    # Frequent-attender counts need the attendances in time order for each child.
    attendances.sort(key=lambda a: a.arrived_at)
    counts: dict[int, list[datetime]] = {}
    for a in attendances:
        if a.person_id:
            earlier = [t for t in counts.get(a.person_id, []) if a.arrived_at - timedelta(days=365) <= t]
            counts.setdefault(a.person_id, []).append(a.arrived_at)
            a.attendances_in_year = len(earlier) + 1
            a.frequent_attender = a.attendances_in_year >= services.frequent_count()
    bulk.create(Attendance, attendances)
    _involve_and_chronicle(attendances, actor)
    bulk.log_created(actor, "ed_attendance", attendances)
    advance(1)
    screened = _screenings(ctx, rng, attendances)
    advance(1)
    reviewed, referred = _reviews(ctx, rng, attendances)
    advance(1)
    audits = _audits(ctx, rng)
    advance(1)
    return {
        "ED attendances": len(attendances),
        "ED attendances not identified": sum(1 for a in attendances if a.person_id is None),
        "ED frequent attenders (attendances)": sum(1 for a in attendances if a.frequent_attender),
        "ED screenings": screened,
        "Discharge reviews": reviewed,
        "ED referrals to the front door": referred,
        "ED audits": audits,
    }


def _involve_and_chronicle(attendances: list[Attendance], actor: audit.Actor) -> None:
    pairs = {(a.person_id, a.department_id) for a in attendances if a.person_id}
    existing = set(
        Involvement.objects.filter(
            person_id__in={p for p, _ in pairs}, team_id__in={t for _, t in pairs}, ended_at__isnull=True
        ).values_list("person_id", "team_id")
    )
    now = timezone.now()
    bulk.create(
        Involvement,
        [
            bulk.row(
                Involvement,
                person_id=p,
                team_id=t,
                kind=Involvement.Kind.INVOLVED,
                role_description="Emergency department attendance",
                started_at=now,
            )
            for p, t in sorted(pairs - existing)
        ],
        batch_size=1000,
    )
    bulk.create(
        ChronologyEvent,
        [
            bulk.row(
                ChronologyEvent,
                person_id=a.person_id,
                kind=ChronologyEvent.Kind.HEALTH,
                occurred_at=a.arrived_at,
                title=f"Attended {a.department.name}"[:200],
                body=a.presenting_complaint,
                agency=a.trust,
                actor_label=actor.label,
            )
            for a in attendances
            if a.person_id
        ],
        batch_size=1000,
    )


def _screenings(ctx: DemoContext, rng: random.Random, attendances: list[Attendance]) -> int:
    """Where the question indicated exploitation, most children were screened before they left."""
    version = screening_selectors.active_tool_version()
    if version is None:
        return 0
    people = Person.objects.in_bulk(
        {a.person_id for a in attendances if a.exploitation_concern and a.person_id}
    )
    incoming = []
    screened: list[Attendance] = []
    for a in attendances:
        if not a.exploitation_concern or a.person_id is None or rng.random() > 0.8:
            continue
        nurse = a.recorded_by
        if nurse is None:
            continue
        ticked = rng.sample(
            ["cce_substances", "v_injuries", "cce_missing", "cse_sexual_health", "v_mental_health"], 2
        )
        result = screening_demo.assess(version, dict.fromkeys(ticked, "x"), 0)
        incoming.append(
            (
                screening_services.ScreeningIn(
                    tool_version=version,
                    person=people[a.person_id],
                    answers={c: EVIDENCE[c] for c in ticked},
                    analysis=f"Seen in the ED: {a.presenting_complaint.lower()}.",
                    # Faced with high harm, ED clinicians judge at least medium.
                    judgement=max(result.level, 2 if result.high_harm else 0),
                    judgement_reason="The presentation and what the child said together.",
                    child_voice=a.child_voice,
                    completed_at=min(a.arrived_at + timedelta(minutes=50), ctx.now),
                ),
                a.partnership,
                nurse,
            )
        )
        screened.append(a)
    made = screening_demo.complete_many(ctx, incoming)
    for a, screening in zip(screened, made, strict=True):
        a.screening = screening
    Attendance.objects.bulk_update(screened, ["screening"], batch_size=bulk.BATCH)
    close_old_contacts([s.contact_id for s in made if s.contact_id], ctx.now)
    return len(made)


def _reviews(ctx: DemoContext, rng: random.Random, attendances: list[Attendance]) -> tuple[int, int]:
    """Every discharged child reviewed, except the last two days' (the live queue): as
    `services.discharge_review` records a review, in bulk. A further intervention is a contact to the
    front door, received when the generator runs, as the service receives it."""
    from mace.accounts.models import Team, User

    reviewers: dict[int, list[Any]] = {}
    for user in (
        User.objects.filter(team__code__in=[code for _, code, _ in TRUSTS])
        .select_related("team", "agency")
        .order_by("pk")
    ):
        assert user.team is not None  # the filter is on the team
        reviewers.setdefault(user.team.agency_id, []).append(user)
    for team in Team.objects.filter(code__in=[code for _, code, _ in TRUSTS]):
        reviewers.setdefault(team.agency_id, [])
    people = Person.objects.in_bulk({a.person_id for a in attendances if a.person_id})
    reviews: list[DischargeReview] = []
    reviewed_attendances: list[Attendance] = []
    referrals: list[tuple[Any, Any, Any]] = []
    referred_reviews: list[DischargeReview] = []
    for a in attendances:
        if a.status != Attendance.Status.DISCHARGED or a.discharged_at is None:
            continue
        if a.discharged_at > ctx.now - timedelta(days=2):
            continue
        by = rng.choice(reviewers.get(a.trust_id) or [None])
        if by is None:
            continue
        worrying = a.exploitation_concern or a.left_before_assessment or a.frequent_attender
        if worrying and a.person_id and rng.random() < 0.5:
            outcome, shared_with = DischargeReview.Outcome.INTERVENTION, ""
            notes = "Concerns not fully responded to in the department: further intervention needed."
        else:
            outcome, shared_with = DischargeReview.Outcome.LIAISON, rng.choice(LIAISON)
            notes = "Concerns responded to; routine information sharing."
        review = bulk.row(
            DischargeReview,
            attendance=a,
            outcome=outcome,
            notes=notes,
            shared_with=shared_with,
            shared_at=a.discharged_at + timedelta(hours=12) if shared_with else None,
            reviewed_by=by,
            reviewed_by_label=by.get_username(),
            reviewed_at=a.discharged_at + timedelta(hours=rng.randrange(12, 60)),
        )
        if outcome == DischargeReview.Outcome.INTERVENTION:
            referrals.append(
                (
                    frontdoor_services.ContactIn(
                        kind=Contact.Kind.ED_REFERRAL,
                        received_at=ctx.now,
                        summary=services._referral_summary(a, notes),
                        subject=a.subject or {},
                        source_system=services.CONTACT_SOURCE,
                        external_ref=f"attendance-{a.pk}",
                        source_agency=a.trust,
                        child_voice=a.child_voice,
                        reporter={"name": by.get_full_name(), "job_title": getattr(by, "job_title", "")},
                        person=people[a.person_id],
                    ),
                    a.partnership,
                    by,
                )
            )
            referred_reviews.append(review)
        a.status = Attendance.Status.REVIEWED
        a.version += 1
        reviews.append(review)
        reviewed_attendances.append(a)
    contacts = frontdoor_demo.receive_known(ctx, referrals)
    for review, contact in zip(referred_reviews, contacts, strict=True):
        review.contact = contact
    bulk.create(DischargeReview, reviews)
    Attendance.objects.bulk_update(reviewed_attendances, ["status", "version"], batch_size=bulk.BATCH)
    bulk.create(
        ChronologyEvent,
        [
            bulk.row(
                ChronologyEvent,
                person_id=r.attendance.person_id,
                kind=ChronologyEvent.Kind.HEALTH,
                occurred_at=r.reviewed_at,
                title=f"ED discharge reviewed: {r.get_outcome_display().lower()}",
                body=r.notes
                + (f"\nInformation shared with {r.get_shared_with_display()}" if r.shared_with else ""),
                agency=r.attendance.trust,
                actor_label=r.reviewed_by_label,
            )
            for r in reviews
            if r.attendance.person_id
        ],
    )
    bulk.log_created(ctx.actor, "ed_discharge_review", reviews)
    close_old_contacts([c.pk for c in contacts], ctx.now)
    return len(reviews), len(contacts)


def _audits(ctx: DemoContext, rng: random.Random) -> int:
    """Six months of monthly audits per trust, answered from the records with the auditor's view of
    planning and discharge: compliance improves month by month."""
    from mace.accounts.models import Team, User

    made = 0
    first = ctx.today.replace(day=1)
    for _, sg_code, _ in TRUSTS:
        team = Team.objects.filter(code=sg_code).first()
        auditor = (
            User.objects.filter(team=team, role_assignments__role="health_safeguarding_lead")
            .order_by("pk")
            .first()
            if team
            else None
        )
        if auditor is None:
            continue
        for months_ago in range(6, 0, -1):
            start = first
            for _ in range(months_ago):
                start = (start - timedelta(days=1)).replace(day=1)
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            try:
                result = services.audit_start(
                    trust=team.agency,  # type: ignore[union-attr]
                    period_start=start,
                    period_end=end,
                    sample_size=22,
                    by=auditor,
                    seed=rng.randrange(10**6),
                )
            except ValidationError:  # a month with no attendances (a small demo) has no audit
                continue
            quality = 0.7 + 0.04 * (6 - months_ago)
            answers: dict[tuple[int, str], str] = {}
            for a in result.attendances.all():
                answers[(a.pk, Question.RISK_ASSESSMENT)] = "yes" if a.exploitation_question_asked else "no"
                answers[(a.pk, Question.CPIS_CHECKED)] = "yes" if a.cpis_checked else "no"
                answers[(a.pk, Question.CLEAR_PLANNING)] = "yes" if rng.random() < quality else "no"
                answers[(a.pk, Question.DISCHARGE_SAFE)] = "yes" if rng.random() < quality + 0.1 else "no"
                answers[(a.pk, Question.SEEN_ALONE)] = {True: "yes", False: "no", None: "na"}[a.seen_alone]
            # As `services.audit_answer` records a complete set of answers, in one insert.
            bulk.create(
                AuditAnswer,
                [
                    bulk.row(AuditAnswer, audit=result, attendance_id=pk, question=question, answer=answer)
                    for (pk, question), answer in answers.items()
                ],
            )
            Audit.objects.filter(pk=result.pk).update(
                created_at=datetime.combine(end, time(12), tzinfo=UTC), completed_at=ctx.now
            )
            bulk.log_created(ctx.actor, "ed_audit_answer", [result], answers=len(answers))
            made += 1
    return made


# Waits for an autism or ADHD assessment (action 3.4) ------------------------------------------------

PROVIDERS = ["Shire neurodevelopmental pathway", "Eastshire CAMHS", "Westshire community paediatrics"]
FAST_TRACK_REASONS = [
    "At high risk of criminal exploitation: agreed at the MACE panel.",
    "Exploited child with escalating missing episodes; expedition checklist completed by the referrer.",
    "Sexual exploitation concerns; school reports the child cannot cope in class.",
]


@step(56, "assessment waits")
def build_assessment_waits(ctx: DemoContext) -> dict[str, int]:
    """About three children at risk in ten referred for an autism or ADHD assessment over the two years, most
    still waiting (waits of a year or more, as inspectors found), and fast-tracking rising as the action
    plan's expedition checklist takes hold; a few children not at risk waiting too."""
    rng = ctx.rng
    at_risk = sorted(
        set(
            Flag.objects.filter(
                person_id__in=ctx.child_ids, kind__in=[Flag.Kind.CSE, Flag.Kind.CCE], removed_at__isnull=True
            ).values_list("person_id", flat=True)
        )
        | set(
            Screening.objects.filter(
                person_id__in=ctx.child_ids, status=Screening.Status.COMPLETE, judgement__gt=0
            ).values_list("person_id", flat=True)
        )
    )
    others = rng.sample(ctx.child_ids, k=min(len(ctx.child_ids), len(ctx.child_ids) // 100))
    chosen = [(p, True) for p in at_risk if rng.random() < 0.3] + [(p, False) for p in others]
    advance = ctx.task("Waits for autism and ADHD assessments", len(chosen))
    partnership_of = dict(
        Person.objects.filter(pk__in=[p for p, _ in chosen]).values_list("pk", "partnership_id")
    )
    waits: list[AssessmentWait] = []
    events: list[ChronologyEvent] = []
    for person_id, risky in chosen:
        advance(1)
        days_ago = rng.randrange(7, HISTORY_DAYS)
        referred = ctx.today - timedelta(days=days_ago)
        progress = 1 - days_ago / HISTORY_DAYS  # 0 two years ago, 1 today
        fast = risky and rng.random() < 0.1 + 0.6 * progress
        kind = rng.choices(list(AssessmentWait.Kind.values), weights=[4, 4, 1])[0]
        # Fast-tracked referrals are seen sooner; most referrals wait a year or more.
        weeks = rng.randint(6, 20) if fast else rng.randint(26, 110)
        assessed = referred + timedelta(weeks=weeks, days=rng.randrange(7))
        done = assessed < ctx.today
        waits.append(
            bulk.row(
                AssessmentWait,
                partnership_id=partnership_of[person_id],
                person_id=person_id,
                kind=kind,
                referred_on=referred,
                fast_track=fast,
                fast_track_reason=rng.choice(FAST_TRACK_REASONS) if fast else "",
                provider=rng.choice(PROVIDERS) if rng.random() < 0.8 else "",
                assessed_on=assessed if done else None,
                outcome=rng.choices(list(AssessmentWait.Outcome.values), weights=[6, 3, 1])[0]
                if done
                else "",
                recorded_by_label="Demo: social worker",
                recorded_at=datetime.combine(referred, time(11), tzinfo=UTC),
            )
        )
        events.append(
            bulk.row(
                ChronologyEvent,
                person_id=person_id,
                occurred_at=datetime.combine(referred, time(12), tzinfo=UTC),
                kind=ChronologyEvent.Kind.HEALTH,
                title=f"Referred for an assessment: {AssessmentWait.Kind(kind).label}"
                + (" (fast-tracked)" if fast else ""),
                actor_label=ctx.actor.label,
            )
        )
    made = bulk.create(AssessmentWait, waits)
    bulk.create(ChronologyEvent, events)
    bulk.log_created(ctx.actor, "assessment_wait", made)
    return {"Assessment referrals": len(made), "Still waiting": sum(1 for w in made if not w.outcome)}
