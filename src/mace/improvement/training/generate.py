"""The synthetic partnership's training (called by the demo's improvement step): courses, a training
register for each team that works with exploited children, sessions over the last three years and
attendance that puts the two emergency departments at the seed's figures (2.2a: "ECT staff are at 85%
compliance and MCHFT are at 83%"; here East Shire NHS Trust's ED 34 of 40, Mid Shire Hospitals' 25 of 30),
with evaluations on the day and three-month follow-ups. Written in bulk; one access-log entry says so."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mace.accounts.models import Agency, Partnership, Team, User
from mace.core import audit
from mace.core.clocks import add_calendar_months
from mace.core.models import AccessLogEntry

from .models import (
    Level,
    Practitioner,
    TrainingBooking,
    TrainingCourse,
    TrainingEvaluation,
    TrainingFollowUp,
    TrainingRequirement,
    TrainingSession,
)

FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harpreet",
    "Isla",
    "Jack",
    "Kasia",
    "Liam",
    "Maya",
    "Nia",
    "Owen",
    "Priya",
    "Rhys",
    "Sana",
    "Tom",
    "Una",
    "Vik",
    "Wen",
    "Yusuf",
    "Zoe",
    "Adam",
    "Bea",
    "Cal",
    "Dina",
    "Eve",
    "Finn",
    "Gita",
    "Hugo",
    "Ines",
    "Jon",
    "Kofi",
    "Lena",
    "Milo",
    "Noor",
    "Ola",
    "Pete",
]
SURNAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Obi",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Uddin",
    "Vaughan",
    "Walsh",
    "Young",
    "Zielinski",
    "Brennan",
    "Chen",
    "Doyle",
    "Ellis",
    "Foster",
]
JOBS = {
    "ed": ("Staff nurse", "Charge nurse", "ED registrar", "Healthcare assistant", "ED consultant"),
    "police": ("Detective constable", "Police constable", "Detective sergeant"),
    "csc": ("Social worker", "Senior social worker", "Advanced practitioner", "Family support worker"),
    "early_help": ("Early help practitioner", "Family worker"),
    "education": ("Education welfare officer", "Inclusion officer"),
    "commissioned": ("Return home interview worker",),
}


@dataclass(frozen=True)
class Plan:
    team: str  # team code
    level: int
    staff: int  # the team's workforce on the register (its MACE users among them)
    trained: int  # trained to the level today
    jobs: str


PLAN = [
    Plan("est-ed", Level.SPECIALIST, 40, 34, "ed"),  # 85%
    Plan("mshft-ed", Level.SPECIALIST, 30, 25, "ed"),  # 83%
    Plan("police-ce-east", Level.TARGETED, 12, 10, "police"),
    Plan("police-mfh-east", Level.TARGETED, 8, 6, "police"),
    Plan("eastshire-ifd", Level.TARGETED, 14, 12, "csc"),
    Plan("eastshire-cin-1", Level.TARGETED, 16, 12, "csc"),
    Plan("eastshire-cin-2", Level.TARGETED, 16, 11, "csc"),
    Plan("eastshire-cp", Level.TARGETED, 14, 12, "csc"),
    Plan("eastshire-cared-for", Level.TARGETED, 14, 10, "csc"),
    Plan("eastshire-ce", Level.SPECIALIST, 8, 7, "csc"),
    Plan("eastshire-eh", Level.AWARENESS, 14, 10, "early_help"),
    Plan("eastshire-inclusion", Level.AWARENESS, 8, 5, "education"),
    Plan("compass-rhi-east", Level.TARGETED, 6, 5, "commissioned"),
]


def _courses(partnership: Partnership) -> dict[str, TrainingCourse]:
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=["east-shire-trust", "mid-shire-hospitals"])
    }
    specs: list[tuple[str, str, int, Agency | None, str]] = [
        (
            "ce-awareness",
            "Child exploitation awareness",
            Level.AWARENESS,
            None,
            "Recognising exploitation, the screening tool and how to refer: for everyone who meets children.",
        ),
        (
            "ce-voice",
            "Child exploitation: the voice of the child",
            Level.TARGETED,
            None,
            "The partnership's new training offer (5.1b): hearing and recording the child's experience, "
            "contingency planning, disruption.",
        ),
        (
            "ce-practice",
            "Working with exploited children: assessment, planning and disruption",
            Level.SPECIALIST,
            None,
            "For practitioners who hold the cases of exploited children.",
        ),
        (
            "est-l3",
            "Level 3 safeguarding children: exploitation in the emergency department (EST)",
            Level.SPECIALIST,
            agencies.get("east-shire-trust"),
            "The trust's level 3 training with the pan-area screening tool (2.2a).",
        ),
        (
            "mshft-l3",
            "Level 3 safeguarding children: exploitation in the emergency department (MSHFT)",
            Level.SPECIALIST,
            agencies.get("mid-shire-hospitals"),
            "The trust's level 3 training with the pan-area screening tool (2.2a).",
        ),
    ]
    out = {}
    for code, title, level, agency, description in specs:
        out[code], _ = TrainingCourse.objects.get_or_create(
            partnership=partnership,
            code=code,
            defaults={
                "title": title,
                "level": level,
                "multi_agency": agency is None,
                "agency": agency,
                "description": description,
            },
        )
    return out


def generate(
    *, partnership: Partnership, rng: random.Random, today: date, actor: audit.Actor
) -> dict[str, int]:
    """Idempotent: a partnership that already has a training register is left as it is."""
    if Practitioner.objects.filter(partnership=partnership).exists():
        return {"Training register": Practitioner.objects.filter(partnership=partnership).count()}
    now = timezone.now()
    teams = {t.code: t for t in Team.objects.filter(code__in=[p.team for p in PLAN])}
    with transaction.atomic():
        courses = _courses(partnership)
        trainers = {
            "est-l3": "Safeguarding Children Team (EST)",
            "mshft-l3": "Fiona Grant, named nurse (MSHFT)",
        }
        # Sessions: monthly for the partnership's courses and each trust's, over the last 40 months.
        sessions: dict[str, list[TrainingSession]] = {code: [] for code in courses}
        for code, course in courses.items():
            for months_ago in range(40, 0, -2 if code in ("ce-voice", "est-l3", "mshft-l3") else -4):
                on = add_calendar_months(today, -months_ago) + timedelta(days=rng.randint(-8, 8))
                sessions[code].append(
                    TrainingSession(
                        course=course,
                        on=on,
                        venue=rng.choice(["Online", "Town hall, committee room 2", "Education centre"]),
                        trainer_label=trainers.get(code, "Helen Marsh, partnership business manager"),
                        capacity=60,
                        attendance_recorded_at=now,
                        attendance_recorded_by_label=actor.label,
                    )
                )
        recent = TrainingSession(
            course=courses["ce-voice"],
            on=today - timedelta(days=2),
            venue="Town hall, committee room 2",
            trainer_label="Helen Marsh, partnership business manager",
            capacity=20,
        )
        upcoming = TrainingSession(
            course=courses["ce-voice"],
            on=today + timedelta(days=16),
            venue="Online",
            trainer_label="Helen Marsh, partnership business manager",
            capacity=20,
        )
        TrainingSession.objects.bulk_create(
            [s for group in sessions.values() for s in group] + [recent, upcoming]
        )
        valid_after = add_calendar_months(today, -36)

        def qualifying(level: int, health_agency: str | None) -> list[TrainingSession]:
            codes = [c for c, course in courses.items() if course.level >= level]
            if health_agency:  # ED staff go to their own trust's level 3 training
                codes = [health_agency]
            return [s for c in codes for s in sessions[c] if valid_after < s.on <= today - timedelta(days=7)]

        lapsed = [s for group in sessions.values() for s in group if s.on <= valid_after]
        awareness = [s for s in sessions["ce-awareness"] if valid_after < s.on < today]
        users_by_team: dict[int, list[User]] = {}
        for u in User.objects.filter(team__code__in=[p.team for p in PLAN], is_system=False).order_by("pk"):
            users_by_team.setdefault(u.team_id, []).append(u)  # type: ignore[arg-type]
        requirements, practitioners = [], []
        plan_of: dict[int, tuple[Plan, Team]] = {}
        for plan in PLAN:
            team = teams.get(plan.team)
            if team is None:
                continue
            requirements.append(
                TrainingRequirement(team=team, level=plan.level, reason="Works with exploited children")
            )
            users = users_by_team.get(team.pk, [])
            manager = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
            for i in range(max(plan.staff, len(users))):
                user = users[i] if i < len(users) else None
                name = (user.get_full_name() if user else "") or f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
                practitioners.append(
                    Practitioner(
                        partnership=partnership,
                        team=team,
                        name=name,
                        job_title=(user.job_title if user else "") or rng.choice(JOBS[plan.jobs]),
                        manager_name=manager,
                        user=user,
                    )
                )
            plan_of[team.pk] = (plan, team)
        TrainingRequirement.objects.bulk_create(requirements)
        Practitioner.objects.bulk_create(practitioners)
        by_team: dict[int, list[Practitioner]] = {}
        for p in Practitioner.objects.filter(partnership=partnership).order_by("pk"):
            by_team.setdefault(p.team_id, []).append(p)
        bookings: list[TrainingBooking] = []
        ATTENDED, ABSENT = TrainingBooking.Status.ATTENDED, TrainingBooking.Status.ABSENT
        for team_id, staff in by_team.items():
            plan, team = plan_of[team_id]
            trust = {"est-ed": "est-l3", "mshft-ed": "mshft-l3"}.get(plan.team)
            order = list(staff)
            rng.shuffle(order)
            trained = round(plan.trained * len(staff) / plan.staff)
            for n, p in enumerate(order):
                if n < trained:
                    bookings.append(
                        TrainingBooking(
                            session=rng.choice(qualifying(plan.level, trust)),
                            practitioner=p,
                            status=ATTENDED,
                            booked_at=now,
                            booked_by_label=actor.label,
                        )
                    )
                    continue
                # Not trained: lapsed, booked and did not attend, only awareness, or never booked.
                why = rng.choice(["lapsed", "absent", "lower", "never"])
                if why == "lower" and plan.level == Level.AWARENESS:
                    why = "never"
                pool = {"lapsed": lapsed, "absent": qualifying(plan.level, trust), "lower": awareness}.get(
                    why
                )
                if pool:
                    bookings.append(
                        TrainingBooking(
                            session=rng.choice(pool),
                            practitioner=p,
                            status=ABSENT if why == "absent" else ATTENDED,
                            booked_at=now,
                            booked_by_label=actor.label,
                        )
                    )
        # The session two days ago waits for its attendance; the next one is filling up.
        waiting = [p for group in by_team.values() for p in group]
        rng.shuffle(waiting)
        for p in waiting[:8]:
            bookings.append(
                TrainingBooking(session=recent, practitioner=p, booked_at=now, booked_by_label=actor.label)
            )
        for p in waiting[8:14]:
            bookings.append(
                TrainingBooking(session=upcoming, practitioner=p, booked_at=now, booked_by_label=actor.label)
            )
        TrainingBooking.objects.bulk_create(bookings)
        evaluations, follow_ups = [], []
        year_ago = add_calendar_months(today, -15)
        for b in bookings:
            if b.status != ATTENDED or b.session.on < year_ago:
                continue
            before = rng.randint(1, 3)
            evaluations.append(
                TrainingEvaluation(
                    booking=b,
                    confidence_before=before,
                    confidence_after=min(5, before + rng.randint(0, 3)),
                    will_do=rng.choice(
                        [
                            "Complete the screening tool whenever a child's presentation worries me.",
                            "Ask the child who they were with and write down their words.",
                            "Share information with the front door the same day.",
                            "Think about contingency plans with education in them.",
                        ]
                    ),
                    recorded_at=now,
                    recorded_by_label=b.session.trainer_label,
                )
            )
            due = add_calendar_months(b.session.on, 3)
            on = due + timedelta(days=rng.randint(0, 21))
            if on <= today and rng.random() < 0.7:
                changed = rng.choices(["yes", "partly", "no"], weights=[55, 30, 15])[0]
                follow_ups.append(
                    TrainingFollowUp(
                        booking=b,
                        on=on,
                        attendee_says={
                            "yes": "I now complete the screening tool and record what the young person said.",
                            "partly": "I think about exploitation more; shifts make it hard to follow up.",
                            "no": "I have not had a case where it applied yet.",
                        }[changed],
                        manager_name=b.practitioner.manager_name or "Team manager",
                        manager_says={
                            "yes": "Their records now carry the child's own words and a screening.",
                            "partly": "Better curiosity in supervision; recording still variable.",
                            "no": "Nothing seen yet; we will look again at the next audit.",
                        }[changed],
                        changed=changed,
                        recorded_at=now,
                        recorded_by_label=actor.label,
                    )
                )
        TrainingEvaluation.objects.bulk_create(evaluations)
        TrainingFollowUp.objects.bulk_create(follow_ups)
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.CREATE,
                "training_register",
                str(partnership.pk),
                detail={"practitioners": len(practitioners), "bookings": len(bookings)},
            ),
        )
    return {
        "Training courses": len(courses),
        "Training register": len(practitioners),
        "Training bookings": len(bookings),
        "Training follow-ups": len(follow_ups),
    }


def seed_figures(partnership: Partnership, on: date) -> dict[str, Any]:
    """The two emergency departments' compliance on a date, for the demo's test and summary."""
    from .selectors import compliance_in

    found = compliance_in([partnership.pk], on)
    return {
        code: (row.trained, row.counted)
        for code in ("est-ed", "mshft-ed")
        if (team := Team.objects.filter(code=code).first()) and (row := found.team(team.pk))
    }
