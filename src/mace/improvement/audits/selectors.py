"""Audits' reads, always for a reader. Audits and their results are partnership business: any member of
the audit's partnership reads them (`improvement.selectors.partnership_ids`). A record's child follows the
child's access rules: the reader sees who it is only if they may open the source record through its
owner's selectors (the trust's ED records, the front door's contacts) or the child's record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from mace.core import audit as access_log
from mace.core.access import names_allowed
from mace.core.models import AccessLogEntry
from mace.frontdoor import selectors as frontdoor_selectors
from mace.health import selectors as health_selectors
from mace.people import selectors as people_selectors

from ..selectors import NotFound, partnership_ids
from . import results as results_mod
from . import tool
from .models import Audit, AuditAnswer, AuditProgramme, AuditRecord


def programmes_for(user: Any) -> QuerySet[AuditProgramme]:
    return AuditProgramme.objects.filter(partnership_id__in=partnership_ids(user)).select_related(
        "partnership"
    )


def programme_of(partnership: Any, year: int) -> AuditProgramme | None:
    return AuditProgramme.objects.filter(partnership=partnership, year=year).first()


def audits_for(user: Any, *, tool_code: str = "") -> QuerySet[Audit]:
    qs = Audit.objects.filter(partnership_id__in=partnership_ids(user)).select_related(
        "partnership", "programme", "trust"
    )
    return qs.filter(tool_code=tool_code) if tool_code else qs


def audit_for(user: Any, pk: int) -> Audit:
    found = audits_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found


def folded_health_audit(user: Any, old_id: int) -> Audit:
    """The audit a health ED audit was folded into (its old address redirects here)."""
    found = audits_for(user).filter(rule__folded_from_health_audit=old_id).first()
    if found is None:
        raise NotFound(old_id)
    return found


def visible_records(user: Any, records: Iterable[AuditRecord]) -> set[int]:
    """Which of these records' children the reader may know: the source record is theirs to open through
    its owner's selectors, or the child's record is."""
    records = list(records)
    by_source: dict[str, list[int]] = {}
    for r in records:
        by_source.setdefault(r.source, []).append(r.source_id)
    open_ed = set(
        health_selectors.attendances_visible_to(user)
        .filter(pk__in=by_source.get(AuditRecord.Source.ED_ATTENDANCE, []))
        .values_list("pk", flat=True)
    )
    open_contacts = set(
        frontdoor_selectors.contacts_visible_to(user)
        .filter(pk__in=by_source.get(AuditRecord.Source.FRONTDOOR_CONTACT, []))
        .values_list("pk", flat=True)
    )
    people = people_selectors.openable(user, [r.person_id for r in records])
    return {
        r.pk
        for r in records
        if r.person_id in people
        or (r.source == AuditRecord.Source.ED_ATTENDANCE and r.source_id in open_ed)
        or (r.source == AuditRecord.Source.FRONTDOOR_CONTACT and r.source_id in open_contacts)
    }


def record_for(user: Any, audited: Audit, record_id: int) -> tuple[AuditRecord, bool]:
    """One record of an audit and whether the reader may know its child; a view of a child is logged."""
    record = audited.records.select_related("person", "team", "audit").filter(pk=record_id).first()
    if record is None:
        raise NotFound(record_id)
    visible = record.pk in visible_records(user, [record])
    if visible and record.person_id:
        access_log.record(
            access_log.Actor.of(user),
            access_log.Event(AccessLogEntry.Action.VIEW, "audit_record", str(record.pk), record.person_id),
        )
    return record, visible


def answers_of(record: AuditRecord) -> dict[str, AuditAnswer]:
    return {a.question: a for a in record.answers.all()}


@dataclass(frozen=True)
class ResultRow:
    question: tool.Question
    rate: results_mod.Rate
    before: results_mod.Rate | None
    change: int | None


@dataclass
class Results:
    audit: Audit
    tool: tool.Tool
    records: int
    answered: int  # records with every question answered
    rows: list[ResultRow] = field(default_factory=list)
    previous: Audit | None = None


def previous_audit(audited: Audit) -> Audit | None:
    """The last audit of the same tool in the partnership (of the same trust, for a trust's ED audit)
    before this one, that has answers."""
    return (
        Audit.objects.filter(
            partnership_id=audited.partnership_id,
            tool_code=audited.tool_code,
            trust_id=audited.trust_id,
            period_start__lt=audited.period_start,
            records__answers__isnull=False,
        )
        .order_by("-period_start", "-pk")
        .distinct()
        .first()
    )


def _rates(audited: Audit, t: tool.Tool) -> dict[str, results_mod.Rate]:
    pairs = AuditAnswer.objects.filter(record__audit=audited).values_list("question", "answer")
    return results_mod.rates(pairs, t.questions)


def results(audited: Audit) -> Results:
    """Every question's rate, computed from the answers, beside the last audit of the same tool."""
    t = tool.get(audited.tool_code, audited.tool_version)
    now = _rates(audited, t)
    previous = previous_audit(audited)
    before = _rates(previous, t) if previous else {}
    counts: dict[int, int] = {}
    for rid in AuditAnswer.objects.filter(record__audit=audited).values_list("record_id", flat=True):
        counts[rid] = counts.get(rid, 0) + 1
    rows = [
        ResultRow(q, now[q.code], before.get(q.code), results_mod.change(now[q.code], before.get(q.code)))
        for q in t.questions.values()
    ]
    return Results(
        audit=audited,
        tool=t,
        records=audited.records.count(),
        answered=sum(1 for n in counts.values() if n >= len(t.questions)),
        rows=rows,
        previous=previous,
    )


def my_records(user: Any, audited: Audit) -> set[int]:
    """The records of the audit assigned to this reader (any part)."""
    return set(
        audited.records.filter(assignments__auditor_id=user.pk).values_list("pk", flat=True).distinct()
    )


def suppress(user: Any) -> bool:
    return not names_allowed(user)


def auditors_for(audited: Audit, agency_kind: str) -> list[Any]:
    """Who may be assigned an agency's part: active members of an agency of that kind in the partnership
    (of the trust, for a trust's ED audit)."""
    from mace.accounts.models import User

    qs = User.objects.filter(
        is_active=True, agency__kind=agency_kind, agency__partnerships__id=audited.partnership_id
    )
    if audited.trust_id is not None and agency_kind == "health":
        qs = qs.filter(agency_id=audited.trust_id)
    return list(qs.select_related("agency").order_by("last_name", "first_name", "pk").distinct())


def trusts_for(user: Any) -> list[Any]:
    from mace.accounts.models import Agency

    return list(
        Agency.objects.filter(kind="health", partnerships__id__in=partnership_ids(user))
        .order_by("name")
        .distinct()
    )


def partnerships_for(user: Any) -> list[Any]:
    from mace.accounts.models import Partnership

    return list(Partnership.objects.filter(pk__in=partnership_ids(user)).order_by("name"))


def plan_actions(audited: Audit) -> list[Any]:
    """The actions of the partnership's plans the audit's learning may feed."""
    from ..models import Action

    return list(
        Action.objects.filter(area__plan__partnership_id=audited.partnership_id).select_related("area__plan")
    )


def action_of(audited: Audit, action_id: int) -> Any:
    from ..models import Action

    return (
        Action.objects.filter(pk=action_id, area__plan__partnership_id=audited.partnership_id)
        .select_related("area__plan")
        .first()
    )


def records_of(audited: Audit) -> list[AuditRecord]:
    return list(
        audited.records.select_related("person", "team").prefetch_related("answers", "assignments__auditor")
    )


def suggested_answers(record: AuditRecord, *, visible: bool) -> dict[str, str]:
    """What an ED record itself says (CP-IS, seen alone, the exploitation question), offered to an auditor
    who may open it as the starting answers: they check it against the notes."""
    if not visible or record.source != AuditRecord.Source.ED_ATTENDANCE:
        return {}
    facts = health_selectors.audit_facts([record.source_id]).get(record.source_id)
    if facts is None:
        return {}
    suggested = {
        "cpis_checked": "yes" if facts.cpis_checked else "no",
        "risk_assessment": "yes" if facts.exploitation_question_asked else "no",
    }
    if facts.seen_alone is not None:
        suggested["seen_alone"] = "yes" if facts.seen_alone else "no"
    return suggested
