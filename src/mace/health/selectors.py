"""Reading ED work, scoped to the user's trust: its ED staff and safeguarding team see its attendances,
its review queue and its audits; nobody else does (forbidden and missing alike are a 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter

from mace.accounts.models import Agency
from mace.accounts.selectors import figure_partnership_ids
from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people.selectors import PersonNotFound, person_for_user

from . import figures
from .models import AssessmentWait, Attendance, Audit, AuditAnswer, Question, weeks_between

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


def audits_for(user: Any) -> list[Audit]:
    trust = _trust_id(user)
    if trust is None or not capabilities(user).discharge_review:
        return []
    return list(Audit.objects.filter(trust_id=trust).select_related("trust")[:100])


def audit_for_user(user: Any, audit_id: int) -> Audit:
    trust = _trust_id(user)
    found = (
        Audit.objects.filter(pk=audit_id, trust_id=trust).select_related("trust").first()
        if trust is not None and capabilities(user).discharge_review
        else None
    )
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                AccessLogEntry.Action.VIEW if found else AccessLogEntry.Action.DENY, "ed_audit", str(audit_id)
            ),
        )
    if found is None:
        raise PersonNotFound()
    return found


def audit_records(ed_audit: Audit) -> tuple[list[Attendance], dict[tuple[int, str], str]]:
    records = list(ed_audit.attendances.select_related("person", "department").order_by("arrived_at"))
    answers = {(a, q): v for a, q, v in ed_audit.answers.values_list("attendance_id", "question", "answer")}
    return records, answers


@dataclass(frozen=True)
class AuditResult:
    trust: str
    period: date  # the first day of the month or quarter
    records: int
    rates: dict[str, figures.Rate]


def audit_results(user: Any, *, period: str = "month") -> list[AuditResult]:
    """Results per trust and month (or quarter), computed from the answers. Health safeguarding teams
    see their trust's; partnership-wide roles (aggregates) see every trust serving their partnerships."""
    caps = capabilities(user)
    qs = AuditAnswer.objects.all()
    trust = _trust_id(user)
    if caps.discharge_review and trust is not None:
        qs = qs.filter(audit__trust_id=trust)
    elif caps.aggregates and (partnerships := figure_partnership_ids(user)):
        qs = qs.filter(audit__trust__partnerships__in=partnerships).distinct()
    else:
        return []
    grouped: dict[tuple[str, date], list[tuple[str, str]]] = {}
    records: dict[tuple[str, date], set[int]] = {}
    trunc = TruncQuarter if period == "quarter" else TruncMonth
    rows = qs.annotate(month=trunc("audit__period_start")).values_list(
        "audit__trust__name", "month", "question", "answer", "attendance_id"
    )
    for trust_name, month, question, answer, attendance_id in rows:
        key = (trust_name, month.date() if hasattr(month, "date") else month)
        grouped.setdefault(key, []).append((question, answer))
        records.setdefault(key, set()).add(attendance_id)
    return [
        AuditResult(trust=k[0], period=k[1], records=len(records[k]), rates=figures.rates(v, Question.values))
        for k, v in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)
    ]


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
