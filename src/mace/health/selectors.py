"""Reading ED work, scoped to the user's trust: its ED staff and safeguarding team see its attendances,
its review queue; nobody else does (forbidden and missing alike are a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from mace.accounts.models import Agency
from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people.selectors import PersonNotFound, person_for_user

from .models import AssessmentWait, Attendance, weeks_between

PAGE = 100


def _trust_id(user: Any) -> int | None:
    caps = capabilities(user)
    if not (caps.ed_attendances or caps.discharge_review):
        return None
    agency = getattr(user, "agency", None)
    if agency is None or agency.kind != Agency.Kind.HEALTH:
        return None
    return int(agency.pk)


def attendances_visible_to(user: Any) -> QuerySet[Attendance]:
    trust = _trust_id(user)
    if trust is None:
        return Attendance.objects.none()
    return Attendance.objects.filter(trust_id=trust)


def attendance_for_user(user: Any, attendance_id: int) -> Attendance:
    """One attendance, logged; forbidden and missing alike raise PersonNotFound (a 404)."""
    attendance = (
        attendances_visible_to(user)
        .select_related("person", "trust", "department", "screening", "review")
        .filter(pk=attendance_id)
        .first()
    )
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                AccessLogEntry.Action.VIEW if attendance else AccessLogEntry.Action.DENY,
                "ed_attendance",
                str(attendance_id),
                attendance.person_id if attendance else None,
            ),
        )
    if attendance is None:
        raise PersonNotFound()
    return attendance


def recent_attendances(user: Any, *, flag: str = "") -> list[Attendance]:
    qs = attendances_visible_to(user)
    if flag == "frequent":
        qs = qs.filter(frequent_attender=True)
    elif flag == "left":
        qs = qs.filter(left_before_assessment=True)
    elif flag == "unidentified":
        qs = qs.filter(person__isnull=True)
    elif flag == "in_department":
        qs = qs.filter(status=Attendance.Status.IN_DEPARTMENT)
    return list(qs.select_related("person", "department").order_by("-arrived_at")[:PAGE])


def review_queue_rows(user: Any) -> QuerySet[Attendance]:
    """Every discharged child of the trust not yet triaged, longest waiting first; paged by the caller."""
    if not capabilities(user).discharge_review:
        return Attendance.objects.none()
    qs = attendances_visible_to(user).filter(status=Attendance.Status.DISCHARGED)
    return qs.select_related("person", "department").order_by("discharged_at", "pk")


def review_queue(user: Any) -> tuple[list[Attendance], int]:
    """The first page of the review queue and how many wait."""
    qs = review_queue_rows(user)
    return list(qs[:PAGE]), qs.count()


def work_waiting(user: Any) -> dict[str, int]:
    """What is waiting for this user on the home page: discharged children to review, screening
    judgements to agree, children in the ED now."""
    from mace.screening.selectors import agreement_count

    caps = capabilities(user)
    waiting: dict[str, int] = {}
    if caps.discharge_review:
        waiting["reviews"] = review_queue(user)[1]
    if caps.agree_judgements:
        waiting["agreements"] = agreement_count(user)
    if caps.ed_attendances:
        waiting["in_department"] = (
            attendances_visible_to(user).filter(status=Attendance.Status.IN_DEPARTMENT).count()
        )
    return waiting


# Waits for an autism or ADHD assessment (action 3.4) ------------------------------------------------


def waits_of(person: Any) -> list[AssessmentWait]:
    """The child's referrals, newest first, for the record section (the page has opened the record and
    logged the read)."""
    return list(AssessmentWait.objects.filter(person=person).order_by("-referred_on", "-pk"))


def wait_for_user(user: Any, person_id: int, wait_id: int, *, purpose: str) -> AssessmentWait:
    """One of the child's referrals: the child opened (and the read logged) as for any record; a referral
    of another child is not found (PersonNotFound, a 404)."""
    person, _ = person_for_user(user, person_id, purpose=purpose)
    wait = AssessmentWait.objects.select_related("person").filter(person=person, pk=wait_id).first()
    if wait is None:
        raise PersonNotFound()
    return wait


def wait_by_id(user: Any, wait_id: int, *, purpose: str) -> AssessmentWait:
    """A referral by its id alone (the API): the child's record must open for the user."""
    person_id = AssessmentWait.objects.filter(pk=wait_id).values_list("person_id", flat=True).first()
    if person_id is None:
        raise PersonNotFound()
    return wait_for_user(user, person_id, wait_id, purpose=purpose)


@dataclass(frozen=True)
class Waiting:
    person_id: int
    referred_on: date
    fast_track: bool

    def weeks(self, day: date) -> int:
        return weeks_between(self.referred_on, day)


def waiting_on(partnership_ids: Any, day: date, person_ids: Any = None) -> list[Waiting]:
    """The referrals still waiting at the end of `day` (referred by then, not yet assessed by then), for
    the scorecard and the profile: one row per referral."""
    qs = AssessmentWait.objects.filter(partnership_id__in=list(partnership_ids), referred_on__lte=day).filter(
        Q(assessed_on__isnull=True) | Q(assessed_on__gt=day)
    )
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return [Waiting(*row) for row in qs.values_list("person_id", "referred_on", "fast_track")]


@dataclass(frozen=True)
class AuditCandidate:
    """A record an audit's dip sample may draw: ids only (no name), the team it belongs to (a stratum)."""

    source_id: int
    person_id: int | None
    team_id: int | None
    occurred_at: Any


def audit_candidates(
    *, partnership_id: int, start: date, end: date, trust_id: int | None = None, flag: str = ""
) -> list[AuditCandidate]:
    """Discharged children's attendances that arrived from `start` to `end` (inclusive, local dates) in a
    partnership, optionally of one trust, optionally only of children with an active flag (cse, cce), for
    an audit's dip sample. In id order, so a seeded draw is reproducible."""
    qs = Attendance.objects.filter(
        partnership_id=partnership_id, arrived_at__date__gte=start, arrived_at__date__lte=end
    ).exclude(status=Attendance.Status.IN_DEPARTMENT)
    if trust_id is not None:
        qs = qs.filter(trust_id=trust_id)
    if flag:
        qs = qs.filter(person__flags__kind=flag, person__flags__removed_at__isnull=True).distinct()
    return [
        AuditCandidate(*row)
        for row in qs.order_by("pk").values_list("pk", "person_id", "department_id", "arrived_at")
    ]


@dataclass(frozen=True)
class AuditFacts:
    """What an attendance's record itself says, for an ED auditor's starting answers."""

    cpis_checked: bool
    seen_alone: bool | None
    exploitation_question_asked: bool


def audit_facts(attendance_ids: list[int]) -> dict[int, AuditFacts]:
    rows = Attendance.objects.filter(pk__in=attendance_ids).values_list(
        "pk", "cpis_checked", "seen_alone", "exploitation_question_asked"
    )
    return {pk: AuditFacts(c, s, e) for pk, c, s, e in rows}
