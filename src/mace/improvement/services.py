"""Improvement's writes: importing a plan, a progress update (with evidence) on an action, and the
improvement board's sign-off of a priority area. Each validates, audits and writes in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Partnership, User
from mace.core import audit, locks
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.core.services import label
from mace.core.versioning import require_version, save_next_version

from . import plan_file, rag, selectors
from .models import Action, ActionPlan, Evidence, PriorityArea, ProgressUpdate

A = AccessLogEntry.Action


@dataclass
class ImportResult:
    plan: ActionPlan | None
    rows: int = 0
    areas_created: int = 0
    actions_created: int = 0
    updates_created: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)


def plan_import(
    *,
    parsed: plan_file.PlanFile,
    partnership: Partnership,
    actor: audit.Actor,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Load a plan file for a partnership: the plan, its areas, its actions and each action's progress as
    of the file's date. Idempotent: what is already there (the same plan title, area number, action
    reference, the update of the same date) is left as it is. A file with a rejected row writes nothing."""
    result = ImportResult(plan=None, rows=len(parsed.rows) + len(parsed.rejected), rejected=parsed.rejected)
    if parsed.rejected:
        return result
    now = timezone.now()
    with transaction.atomic():
        locks.hold(f"improvement:plan:{partnership.pk}:{parsed.title}")
        plan, created = ActionPlan.objects.get_or_create(
            partnership=partnership,
            title=parsed.title,
            defaults={
                "kind": parsed.kind,
                "source": parsed.source,
                "starts": parsed.starts,
                "created_at": now,
                "created_by_label": actor.label,
            },
        )
        result.plan = plan
        areas = {a.number: a for a in plan.areas.all()}
        actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
        events = []
        if created:
            events.append(audit.Event(A.CREATE, "action_plan", str(plan.pk), detail={"title": plan.title}))
        for row in parsed.rows:
            area = areas.get(row.area)
            if area is None:
                area = PriorityArea.objects.create(
                    plan=plan,
                    section=row.section,
                    section_title=row.section_title,
                    number=row.area,
                    title=row.area_title,
                    priority_action=row.priority_action,
                    needs_to_improve=row.needs_to_improve,
                    inspectors_found=row.inspectors_found,
                )
                areas[row.area] = area
                result.areas_created += 1
            action = actions.get(row.ref)
            changed = False
            if action is None:
                action = Action.objects.create(
                    area=area,
                    ref=row.ref,
                    text=row.action,
                    owner=row.owner,
                    due=row.due,
                    due_note=row.due_note,
                    owner_rag=row.rag,
                    opened_on=plan.starts,
                    completed_on=parsed.as_of if row.rag == rag.GREEN else None,
                )
                actions[row.ref] = action
                result.actions_created += 1
                events.append(
                    audit.Event(A.CREATE, "improvement_action", str(action.pk), detail={"ref": row.ref})
                )
                changed = True
            if row.progress and not action.updates.filter(on=parsed.as_of, text=row.progress).exists():
                ProgressUpdate.objects.create(
                    action=action,
                    on=parsed.as_of,
                    text=row.progress,
                    rag=row.rag,
                    by_label=actor.label,
                    recorded_at=now,
                )
                result.updates_created += 1
                changed = True
            if not changed:
                result.unchanged += 1
            if progress:
                progress(1)
        if events or result.updates_created:
            events.append(
                audit.Event(
                    A.UPDATE,
                    "action_plan",
                    str(plan.pk),
                    detail={
                        "imported": "action plan file",
                        "areas": result.areas_created,
                        "actions": result.actions_created,
                        "updates": result.updates_created,
                    },
                )
            )
            audit.record_many(actor, events)
    return result


# Progress updates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceIn:
    kind: str
    description: str
    link: str = ""
    measure_code: str = ""


def _measure_codes() -> dict[str, str]:
    from mace.oversight import measures

    definition = measures.parse(measures.shipped())
    return {m.code: m.title for m in definition.measures}


def _evidence_problems(items: list[EvidenceIn]) -> list[str]:
    problems = []
    codes: dict[str, str] | None = None
    for n, item in enumerate(items, 1):
        where = f"evidence {n}" if len(items) > 1 else "the evidence"
        if item.kind not in Evidence.Kind.values:
            problems.append(f"{where}: the kind must be a document, an audit or a scorecard measure")
            continue
        if not item.description.strip():
            problems.append(f"{where}: describe what it shows")
        if item.kind == Evidence.Kind.MEASURE:
            codes = codes if codes is not None else _measure_codes()
            if item.measure_code not in codes:
                problems.append(f"{where}: there is no scorecard measure {item.measure_code!r}")
        elif item.link and not item.link.startswith(("https://", "http://")):
            problems.append(f"{where}: a link starts with https://")
    return problems


def update_add(
    *,
    action: Action,
    on: date | None,
    text: str,
    owner_rag: str,
    evidence: list[EvidenceIn] | None = None,
    no_evidence_reason: str = "",
    version: int | None,
    by: User,
) -> ProgressUpdate:
    """The owner's progress on an action, as of a date, with their RAG judgement and any evidence.
    Refused if dated before the action existed or in the future; refused to readers who may only read."""
    if not capabilities(by).manage_improvement:
        raise PermissionError("Only the business manager, a manager or an administrator can update actions.")
    actor = audit.Actor.of(by)
    evidence = evidence or []
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if on is None:
        errors["on"] = ["Enter the date the update is as of"]
    elif on < action.opened_on:
        errors["on"] = [
            f"The update is dated before the action existed (it was opened on {rag._day(action.opened_on)})"
        ]
    elif on > today:
        errors["on"] = ["The update cannot be dated in the future"]
    if not text.strip():
        errors["text"] = ["Say what has been done and what difference it has made"]
    if owner_rag not in rag.COLOURS:
        errors["rag"] = ["Choose red, amber or green"]
    if problems := _evidence_problems(evidence):
        errors["evidence"] = problems
    elif (
        owner_rag == rag.GREEN
        and not evidence
        and not no_evidence_reason.strip()
        and not action.evidence.exists()
    ):
        errors["evidence"] = [
            "Green means completed: add the evidence that it made a difference, or say why there is none"
        ]
    if errors:
        raise ValidationError(errors)
    assert on is not None
    now = timezone.now()
    attempted = {"on": on.isoformat(), "text": text.strip(), "rag": owner_rag}
    if no_evidence_reason.strip():
        attempted["no_evidence_reason"] = no_evidence_reason.strip()
    with transaction.atomic():
        locked = Action.objects.select_for_update().select_related("area").get(pk=action.pk)
        require_version(locked, version, attempted)
        update = ProgressUpdate.objects.create(
            action=locked,
            on=on,
            text=text.strip(),
            rag=owner_rag,
            no_evidence_reason=no_evidence_reason.strip() if owner_rag == rag.GREEN else "",
            by=by,
            by_label=actor.label,
            recorded_at=now,
        )
        added = [
            Evidence.objects.create(
                action=locked,
                update=update,
                kind=item.kind,
                description=item.description.strip(),
                link=item.link.strip() if item.kind != Evidence.Kind.MEASURE else "",
                measure_code=item.measure_code if item.kind == Evidence.Kind.MEASURE else "",
                added_by_label=actor.label,
                added_at=now,
            )
            for item in evidence
        ]
        latest = locked.updates.order_by("-on", "-recorded_at", "-pk").first()
        old = {"owner_rag": locked.owner_rag, "completed_on": str(locked.completed_on or "")}
        if latest is not None and latest.pk == update.pk:
            locked.owner_rag = owner_rag
            locked.completed_on = on if owner_rag == rag.GREEN else None
        save_next_version(locked, ["owner_rag", "completed_on"])
        audit.record(
            actor,
            audit.Event(
                A.CREATE,
                "improvement_update",
                str(update.pk),
                detail={
                    "action": locked.ref,
                    "plan": locked.area.plan_id,
                    **attempted,
                    "evidence": [e.pk for e in added],
                    "old": old,
                },
            ),
        )
    action.refresh_from_db()
    return update


# Sign-off of a priority area ------------------------------------------------------------------------------


def area_sign_off(
    *,
    area: PriorityArea,
    on: date | None,
    note: str,
    monitoring: str,
    version: int | None,
    by: User,
) -> PriorityArea:
    """The improvement board agrees the area is fully addressed, on the date of its meeting, with the
    evidence it accepted and how the area will be monitored from now on. Refused while any of the area's
    actions is not green."""
    if not capabilities(by).sign_off_areas:
        raise PermissionError("Only the business manager or an administrator records the board's sign-off.")
    actor = audit.Actor.of(by)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if on is None:
        errors["on"] = ["Enter the date of the improvement board that agreed it"]
    elif on > today:
        errors["on"] = ["The board's sign-off cannot be dated in the future"]
    elif on < area.plan.starts:
        errors["on"] = ["The sign-off is dated before the plan started"]
    if not note.strip():
        errors["note"] = ["Say what evidence the board accepted that the area is fully addressed"]
    if not monitoring.strip():
        errors["monitoring"] = ["Say how the area will be monitored from now on"]
    open_refs = [a.ref for a in area.actions.all() if a.owner_rag != rag.GREEN]
    if open_refs:
        errors["__all__"] = [f"Not every action is complete: {', '.join(open_refs)} still open"]
    if errors:
        raise ValidationError(errors)
    attempted = {"on": on.isoformat() if on else "", "note": note.strip(), "monitoring": monitoring.strip()}
    with transaction.atomic():
        locked = PriorityArea.objects.select_for_update().get(pk=area.pk)
        require_version(locked, version, attempted)
        if locked.signed_off:
            raise ValidationError({"__all__": ["The area is already signed off"]})
        locked.signed_off_on = on
        locked.signed_off_by = by
        locked.signed_off_by_label = actor.label
        locked.sign_off_note = attempted["note"]
        locked.monitoring = attempted["monitoring"]
        save_next_version(
            locked, ["signed_off_on", "signed_off_by", "signed_off_by_label", "sign_off_note", "monitoring"]
        )
        audit.record(
            actor,
            audit.Event(
                A.UPDATE,
                "priority_area",
                str(locked.pk),
                detail={"signed_off": attempted, "area": locked.number, "plan": locked.plan_id},
            ),
        )
    return locked


# A new action in a plan (from a governance meeting's decision, item 7) --------------------------------------


def next_ref(area: PriorityArea) -> str:
    """The area's next free reference: 5.1 with 5.1a … 5.1f has 5.1g next (after z: 5.1aa …)."""
    taken = set(area.actions.values_list("ref", flat=True))
    n = 0
    while True:
        letters, k = "", n
        while True:
            letters = chr(ord("a") + k % 26) + letters
            k = k // 26 - 1
            if k < 0:
                break
        if f"{area.number}{letters}" not in taken:
            return f"{area.number}{letters}"
        n += 1


def action_add(
    *,
    area: PriorityArea,
    text: str,
    owner: str,
    due: date | None,
    opened_on: date,
    source: str,
    by: By,
    owner_user: Any = None,
) -> Action:
    """Add an action to a priority area of a plan, with the area's next reference. Refused without an
    owner or a due date (an action nobody owns, with no date, is not an action). The owner may also be
    a user of the plan's partnership (`owner_user`); with no words, the owner is that user's name."""
    if not capabilities(by).manage_improvement and not (isinstance(by, audit.Actor) and by.user_id is None):
        raise PermissionError("Only the business manager, a manager or an administrator can add actions.")
    actor = by if isinstance(by, audit.Actor) else audit.Actor.of(by)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["action_text"] = ["Say what the action is"]
    owner = owner.strip() or (label(owner_user) if owner_user is not None else "")
    if not owner:
        errors["owner"] = ["Name the action's owner: a person or a partnership group"]
    if owner_user is not None and owner_user.pk not in {
        u.pk for u in selectors.owner_candidates(area.plan.partnership_id)
    }:
        errors["owner_user"] = ["Choose a user of the plan's partnership"]
    if due is None:
        errors["due"] = ["Enter the date the action is due by"]
    elif due < opened_on:
        errors["due"] = ["The action is due before it was agreed"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locks.hold(f"improvement:area:{area.pk}")
        action = Action.objects.create(
            area=area,
            ref=next_ref(area),
            text=text.strip(),
            owner=owner,
            owner_user=owner_user,
            due=due,
            owner_rag=rag.AMBER,
            opened_on=opened_on,
        )
        audit.record(
            actor,
            audit.Event(
                A.CREATE,
                "improvement_action",
                str(action.pk),
                detail={"ref": action.ref, "plan": area.plan_id, "source": source},
            ),
        )
    return action


def action_owner_set(*, action: Action, owner: str, owner_user: Any, version: int | None, by: By) -> Action:
    """Who owns an action: a person or a partnership group in words (whose chair is accountable) and,
    optionally, the owner's MACE account, a user of the plan's partnership. With an account and no words,
    the owner is the account's name. Versioned: a stale page is a conflict."""
    if not capabilities(by).manage_improvement and not (isinstance(by, audit.Actor) and by.user_id is None):
        raise PermissionError("Only the business manager, a manager or an administrator changes an owner.")
    errors: dict[str, list[str]] = {}
    words = owner.strip() or (label(owner_user) if owner_user is not None else "")
    if not words:
        errors["owner"] = ["Name the action's owner: a person or a partnership group"]
    elif len(words) > 300:
        errors["owner"] = ["The owner is 300 characters or fewer"]
    partnership_id = action.area.plan.partnership_id
    if owner_user is not None and owner_user.pk not in {
        u.pk for u in selectors.owner_candidates(partnership_id)
    }:
        errors["owner_user"] = ["Choose a user of the plan's partnership"]
    if errors:
        raise ValidationError(errors)
    attempted = {"owner": words, "owner_user": owner_user.pk if owner_user is not None else None}
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        require_version(locked, version, attempted)
        old = {"owner": locked.owner, "owner_user": locked.owner_user_id}
        locked.owner, locked.owner_user = words, owner_user
        save_next_version(locked, ["owner", "owner_user"])
        audit.record(
            by if isinstance(by, audit.Actor) else audit.Actor.of(by),
            audit.Event(
                A.UPDATE,
                "improvement_action",
                str(locked.pk),
                detail={"ref": locked.ref, "owner": attempted, "old": old},
            ),
        )
    return locked
