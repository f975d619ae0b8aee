"""Audits' writes: the year's programme, drawing a dip sample by a rule, assigning records to auditors
across agencies, answering (refusing an answer outside the tool's scale), and the audit's learning fed to
the action plan through improvement's services. Each validates, audits and writes in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, User
from mace.core import audit as access_log
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.core.services import actor, is_system, label
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor import selectors as frontdoor_selectors
from mace.health import selectors as health_selectors

from .. import services as improvement_services
from ..models import Action
from . import sampling, tool
from .models import Audit, AuditAnswer, AuditAssignment, AuditProgramme, AuditRecord

A = AccessLogEntry.Action
FLAGS = {"": "Any child", "cse": "Children with a CSE flag", "cce": "Children with a CCE flag"}
MAX_SAMPLE = 500


def may_run(by: By) -> bool:
    """May draw dip samples and assign them: whoever runs the action plan, or a trust's safeguarding lead
    (for ED audits of their own trust)."""
    if is_system(by):
        return True
    caps = capabilities(by)
    return caps.manage_improvement or caps.discharge_review


def may_run_audit(by: By, tool_code: str, trust: Agency | None) -> bool:
    if not isinstance(by, User):
        return is_system(by)
    if capabilities(by).manage_improvement:
        return True
    return (
        capabilities(by).discharge_review
        and tool_code == "ed"
        and trust is not None
        and by.agency_id == trust.pk
    )


def programme_create(
    *, partnership: Partnership, year: int, title: str, agreed_on: date | None, agreed_by: str, by: By
) -> AuditProgramme:
    if not (is_system(by) or capabilities(by).manage_improvement):
        raise PermissionError("Only the business manager, a manager or an administrator sets the programme.")
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = ["Enter the year the programme starts, like 2026"]
    if not title.strip():
        errors["title"] = ["Enter the programme's title"]
    if AuditProgramme.objects.filter(partnership=partnership, year=year).exists():
        errors["year"] = [f"There is already a programme for {year}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = AuditProgramme.objects.create(
            partnership=partnership,
            year=year,
            title=title.strip(),
            agreed_on=agreed_on,
            agreed_by=agreed_by.strip(),
            created_at=timezone.now(),
            created_by_label=label(by),
        )
        access_log.record(
            actor(by), access_log.Event(A.CREATE, "audit_programme", str(programme.pk), detail={"year": year})
        )
    return programme


@dataclass(frozen=True)
class Rule:
    """What a dip sample draws: a tool's records from a period, how many (None: every one), a seed, an
    optional flag the child must have, whether to stratify by team, and (ED) one trust's records."""

    tool_code: str
    period_start: date | None
    period_end: date | None
    size: int | None
    seed: int
    flag: str = ""
    stratify: bool = False
    trust: Agency | None = None

    def describe(self, t: tool.Tool) -> str:
        what = tool.SOURCES[t.source].lower()
        who = {"": "", "cse": " of children with a CSE flag", "cce": " of children with a CCE flag"}[
            self.flag
        ]
        how = "every one of the" if self.size is None else f"{self.size} of the"
        where = f" at {self.trust.name}" if self.trust else ""
        verb = "decided" if t.source == "frontdoor_contact" else "attended"
        strata = ", stratified by team" if self.stratify else ""
        assert self.period_start and self.period_end
        return (
            f"{how} {what}{who}{where} {verb} from {self.period_start:%-d %B %Y} to "
            f"{self.period_end:%-d %B %Y}{strata} (seed {self.seed})"
        )


def _candidates(partnership: Partnership, t: tool.Tool, rule: Rule) -> list[Any]:
    assert rule.period_start and rule.period_end
    if t.source == "ed_attendance":
        return health_selectors.audit_candidates(
            partnership_id=partnership.pk,
            start=rule.period_start,
            end=rule.period_end,
            trust_id=rule.trust.pk if rule.trust else None,
            flag=rule.flag,
        )
    return frontdoor_selectors.audit_candidates(
        partnership_id=partnership.pk, start=rule.period_start, end=rule.period_end, flag=rule.flag
    )


def audit_draw(
    *,
    partnership: Partnership,
    rule: Rule,
    title: str = "",
    programme: AuditProgramme | None = None,
    by: By,
) -> Audit:
    """Draw a dip sample by the rule and make the audit of it. A rule that matches no records is refused
    with that reason, and no audit is made."""
    errors: dict[str, list[str]] = {}
    try:
        t = tool.get(rule.tool_code)
    except KeyError:
        raise ValidationError({"tool": ["Choose an audit tool"]}) from None
    if not may_run_audit(by, t.code, rule.trust):
        raise PermissionError(
            "Only the business manager, a manager or the trust's safeguarding team can audit."
        )
    if rule.period_start is None:
        errors["period_start"] = ["Enter the date the period starts"]
    if rule.period_end is None:
        errors["period_end"] = ["Enter the date the period ends"]
    elif rule.period_start is not None and rule.period_end < rule.period_start:
        errors["period_end"] = ["The period must end on or after the day it starts"]
    if rule.size is not None and not 1 <= rule.size <= MAX_SAMPLE:
        errors["size"] = [f"Sample between 1 and {MAX_SAMPLE} records, or every record"]
    if rule.flag not in FLAGS:
        errors["flag"] = ["Choose any child, a CSE flag or a CCE flag"]
    if rule.trust is not None and t.source != "ed_attendance":
        errors["trust"] = ["Only an ED audit is of one trust's records"]
    if programme is not None and programme.partnership_id != partnership.pk:
        errors["programme"] = ["The programme is another partnership's"]
    if errors:
        raise ValidationError(errors)
    candidates = _candidates(partnership, t, rule)
    if not candidates:
        raise ValidationError(
            {"__all__": [f"No records match the rule ({rule.describe(t)}): no audit was made"]}
        )
    chosen = sampling.draw(candidates, size=rule.size, seed=rule.seed, stratify=rule.stratify)
    assert rule.period_start and rule.period_end
    with transaction.atomic():
        made = Audit.objects.create(
            partnership=partnership,
            programme=programme,
            title=title.strip() or f"{t.title}, {rule.period_start:%B %Y}",
            tool_code=t.code,
            tool_version=t.version,
            rule={
                "source": t.source,
                "period_start": rule.period_start.isoformat(),
                "period_end": rule.period_end.isoformat(),
                "size": rule.size,
                "seed": rule.seed,
                "flag": rule.flag,
                "stratify": rule.stratify,
                "trust": rule.trust.pk if rule.trust else None,
                "described": rule.describe(t),
            },
            period_start=rule.period_start,
            period_end=rule.period_end,
            trust=rule.trust,
            matched=len(candidates),
            created_by=None if isinstance(by, access_log.Actor) else by,
            created_by_label=label(by),
            created_at=timezone.now(),
        )
        AuditRecord.objects.bulk_create(
            [
                AuditRecord(
                    audit=made,
                    source=t.source,
                    source_id=c.source_id,
                    person_id=c.person_id,
                    team_id=c.team_id,
                    occurred_at=c.occurred_at,
                )
                for c in chosen
            ]
        )
        access_log.record(
            actor(by),
            access_log.Event(
                A.CREATE,
                "audit",
                str(made.pk),
                detail={"tool": t.key, "sample": len(chosen), "from": len(candidates), "rule": made.rule},
            ),
        )
    return made


def may_answer(by: By, audited: Audit, agency_kind: str, assignments: dict[str, int]) -> bool:
    """The auditor assigned to this agency's part of the record, or, while nobody is, a member of an
    agency of that kind in the partnership who may run audits (for a trust's ED audit: of that trust)."""
    if not isinstance(by, User):
        return is_system(by)
    if agency_kind in assignments:
        return assignments[agency_kind] == by.pk
    agency = getattr(by, "agency", None)
    if (
        agency is None
        or agency.kind != agency_kind
        or not may_run_audit(by, audited.tool_code, audited.trust)
    ):
        return False
    if audited.trust_id is not None and by.agency_id != audited.trust_id:
        return False
    return agency.partnerships.filter(pk=audited.partnership_id).exists()


def audit_assign(*, audited: Audit, agency_kind: str, auditors: list[Any], by: By) -> int:
    """Share the audit's records out among auditors of one agency kind for that agency's part, in turn
    (record 1 to the first auditor, record 2 to the second, …). Replaces earlier assignments of that part
    for records not yet answered in it. Returns how many records were assigned."""
    if not may_run_audit(by, audited.tool_code, audited.trust):
        raise PermissionError("Only whoever runs the audit assigns its records.")
    t = tool.get(audited.tool_code, audited.tool_version)
    errors: list[str] = []
    if agency_kind not in t.agencies:
        errors.append("The tool has no part for that agency")
    if not auditors:
        errors.append("Choose at least one auditor")
    for u in auditors:
        agency = getattr(u, "agency", None)
        if not u.is_active or agency is None or agency.kind != agency_kind:
            errors.append(f"{u.get_full_name() or u.username} is not in an agency of that kind")
        elif not agency.partnerships.filter(pk=audited.partnership_id).exists():
            errors.append(f"{u.get_full_name() or u.username} is not in the audit's partnership")
    if errors:
        raise ValidationError({"auditors": errors})
    part_questions = [q.code for q in t.parts[t.agencies.index(agency_kind)].questions]
    now = timezone.now()
    with transaction.atomic():
        records = list(audited.records.order_by("occurred_at", "pk"))
        answered = set(
            AuditAnswer.objects.filter(record__audit=audited, question__in=part_questions).values_list(
                "record_id", flat=True
            )
        )
        open_records = [r for r in records if r.pk not in answered]
        AuditAssignment.objects.filter(record__in=open_records, agency_kind=agency_kind).delete()
        AuditAssignment.objects.bulk_create(
            [
                AuditAssignment(
                    record=r, agency_kind=agency_kind, auditor=auditors[n % len(auditors)], assigned_at=now
                )
                for n, r in enumerate(open_records)
            ]
        )
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE,
                "audit",
                str(audited.pk),
                detail={
                    "assigned": agency_kind,
                    "records": len(open_records),
                    "auditors": [u.pk for u in auditors],
                },
            ),
        )
    return len(open_records)


def record_answer(
    *, record: AuditRecord, answers: dict[str, str], notes: dict[str, str] | None = None, by: By
) -> AuditRecord:
    """The auditor's answers for one record: {question: answer}. Refused, writing nothing, if any question
    is not the tool's, any answer is outside its question's scale, or the auditor may not answer that
    agency's part. The audit is complete when every record has every question answered."""
    audited = record.audit
    t = tool.get(audited.tool_code, audited.tool_version)
    notes = notes or {}
    assignments = dict(record.assignments.values_list("agency_kind", "auditor_id"))
    errors: dict[str, list[str]] = {}
    if not answers:
        errors["__all__"] = ["Answer at least one question"]
    for code, answer in answers.items():
        q = t.questions.get(code)
        if q is None:
            errors["__all__"] = [f"{code!r} is not a question of the {t.title}"]
        elif answer not in q.answers:
            errors[code] = [f"{q.text}: answer {' or '.join(q.answers.values())}"]
        elif not may_answer(by, audited, q.agency, assignments):
            raise PermissionError("That part of the audit is another auditor's or another agency's.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    by_user = None if isinstance(by, access_log.Actor) else by
    with transaction.atomic():
        for code, answer in answers.items():
            AuditAnswer.objects.update_or_create(
                record=record,
                question=code,
                defaults={
                    "answer": answer,
                    "note": notes.get(code, "").strip(),
                    "answered_by": by_user,
                    "answered_by_label": label(by),
                    "answered_at": now,
                },
            )
        total = audited.records.count() * len(t.questions)
        done = AuditAnswer.objects.filter(record__audit=audited).count()
        if audited.completed_at is None and done >= total:
            Audit.objects.filter(pk=audited.pk).update(completed_at=now)
            audited.completed_at = now
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE,
                "audit_record",
                str(record.pk),
                record.person_id,
                detail={"audit": audited.pk, "answers": dict(answers)},
            ),
        )
    return record


def learning_record(*, audited: Audit, learning: str, action: Action | None, by: User) -> Audit:
    """What the audit found. With an action of the plan, the learning goes to that action as a dated
    progress update with the audit as its evidence (through improvement's services, so every rule of a
    progress update holds)."""
    if not (is_system(by) or capabilities(by).manage_improvement):
        raise PermissionError("Only the business manager, a manager or an administrator records learning.")
    if not learning.strip():
        raise ValidationError({"learning": ["Say what the audit found and what should change"]})
    if action is not None and action.area.plan.partnership_id != audited.partnership_id:
        raise ValidationError({"action": ["The action is in another partnership's plan"]})
    with transaction.atomic():
        if action is not None:
            improvement_services.update_add(
                action=action,
                on=timezone.localdate(),
                text=f"Audit learning ({audited.title}): {learning.strip()}",
                owner_rag=action.owner_rag,
                evidence=[
                    improvement_services.EvidenceIn(
                        kind="audit", description=f"{audited.title}: {summary_line(audited)}"
                    )
                ],
                no_evidence_reason="",
                version=action.version,
                by=by,
            )
        Audit.objects.filter(pk=audited.pk).update(learning=learning.strip(), learning_action=action)
        audited.learning, audited.learning_action = learning.strip(), action
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE,
                "audit",
                str(audited.pk),
                detail={"learning": learning.strip(), "action": action.ref if action else ""},
            ),
        )
    return audited


def summary_line(audited: Audit) -> str:
    from .selectors import results  # reads only; here to keep the evidence text in one place

    r = results(audited)
    return "; ".join(f"{row.question.text} in {row.rate.text}" for row in r.rows if row.rate.of)


def _may_plan(by: By) -> bool:
    return is_system(by) or capabilities(by).manage_improvement


def programme_update(
    *, programme: AuditProgramme, title: str, description: str, version: int | None, by: By
) -> AuditProgramme:
    """Edit the programme's title and what it covers. Versioned: a stale page is a conflict."""
    if not _may_plan(by):
        raise PermissionError("Only the business manager, a manager or an administrator edits the programme.")
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter the programme's title"]
    elif len(title.strip()) > 300:
        errors["title"] = ["The title is 300 characters or fewer"]
    if len(description) > 5000:
        errors["description"] = ["What it covers is 5,000 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    attempted = {"title": title.strip(), "description": description.strip()}
    with transaction.atomic():
        locked = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        require_version(locked, version, attempted)
        old = {"title": locked.title, "description": locked.description}
        locked.title, locked.description = attempted["title"], attempted["description"]
        save_next_version(locked, ["title", "description"])
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE, "audit_programme", str(locked.pk), detail={"new": attempted, "old": old}
            ),
        )
    return locked


def programme_agree(
    *, programme: AuditProgramme, agreed_on: date | None, agreed_by: str, version: int | None, by: By
) -> AuditProgramme:
    """Record that the programme was agreed (1.2e: by the executive), on a date not in the future and not
    before the year it was written for began to be planned (the year before it starts)."""
    if not _may_plan(by):
        raise PermissionError("Only the business manager, a manager or an administrator records agreement.")
    errors: dict[str, list[str]] = {}
    if agreed_on is None:
        errors["agreed_on"] = ["Enter the date the programme was agreed"]
    elif agreed_on > timezone.localdate():
        errors["agreed_on"] = ["The programme cannot be agreed in the future"]
    elif agreed_on.year < programme.year - 1:
        errors["agreed_on"] = [f"A programme for {programme.year} is agreed from {programme.year - 1}"]
    if not agreed_by.strip():
        errors["agreed_by"] = ["Say which group agreed it, for example the LSCP Executive"]
    elif len(agreed_by.strip()) > 300:
        errors["agreed_by"] = ["Enter 300 characters or fewer"]
    if errors:
        raise ValidationError(errors)
    assert agreed_on is not None
    attempted = {"agreed_on": agreed_on.isoformat(), "agreed_by": agreed_by.strip()}
    with transaction.atomic():
        locked = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
        require_version(locked, version, attempted)
        old = {
            "agreed_on": locked.agreed_on.isoformat() if locked.agreed_on else "",
            "agreed_by": locked.agreed_by,
        }
        locked.agreed_on, locked.agreed_by = agreed_on, agreed_by.strip()
        save_next_version(locked, ["agreed_on", "agreed_by"])
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE, "audit_programme", str(locked.pk), detail={"agreed": attempted, "old": old}
            ),
        )
    return locked


def record_reassign(*, record: AuditRecord, agency_kind: str, auditor: Any, by: By) -> AuditAssignment:
    """Give one record's part for an agency to another auditor of that agency kind in the audit's
    partnership (of the trust, for a trust's ED audit). Refused, changing nothing, once that part of the
    record is fully answered, or for an auditor who may not answer it."""
    audited = record.audit
    if not may_run_audit(by, audited.tool_code, audited.trust):
        raise PermissionError("Only whoever runs the audit reassigns its records.")
    t = tool.get(audited.tool_code, audited.tool_version)
    errors: dict[str, list[str]] = {}
    if agency_kind not in t.agencies:
        errors["agency_kind"] = ["The tool has no part for that agency"]
    else:
        eligible = {u.pk for u in _auditors(audited, agency_kind)}
        if auditor is None:
            errors["auditor"] = ["Choose the auditor"]
        elif auditor.pk not in eligible:
            who = auditor.get_full_name() or auditor.username
            errors["auditor"] = [f"{who} is not an auditor of that agency kind in the audit's partnership"]
        codes = {q.code for q in t.parts[t.agencies.index(agency_kind)].questions}
        if codes and codes <= set(record.answers.values_list("question", flat=True)):
            errors["__all__"] = ["That part of the record is answered: it cannot be reassigned"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            AuditAssignment.objects.select_for_update().filter(record=record, agency_kind=agency_kind).first()
        )
        before = existing.auditor_id if existing else None
        if existing is None:
            existing = AuditAssignment.objects.create(
                record=record, agency_kind=agency_kind, auditor=auditor, assigned_at=timezone.now()
            )
        else:
            existing.auditor, existing.assigned_at = auditor, timezone.now()
            existing.save(update_fields=["auditor", "assigned_at"])
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE,
                "audit_record",
                str(record.pk),
                detail={"audit": audited.pk, "reassigned": agency_kind, "from": before, "to": auditor.pk},
            ),
        )
    return existing


def _auditors(audited: Audit, agency_kind: str) -> list[Any]:
    from .selectors import auditors_for  # reads only: who may be given an agency's part

    return auditors_for(audited, agency_kind)
