"""Trigger plans (5.4g): what sets a child off missing, where they go, who with, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.models import User
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.core.versioning import require_version, save_next_version
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Person

from ..models import (
    TriggerPlan,
)
from ._common import MAX_TEXT, _actor, _label, _require
from .episodes import _notify
from .strategy import _allocated_team_users


@dataclass
class TriggerPlanIn:
    triggers: str
    places: str
    actions: str
    associates: str = ""


TRIGGER_FIELDS = ("triggers", "places", "associates", "actions")


def validate_trigger_plan(data: TriggerPlanIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    required = {
        "triggers": "Say what sets off the child's episodes",
        "places": "Say where to look first",
        "actions": "Say what to do at once when the child is next reported missing",
    }
    for name, message in required.items():
        if not (getattr(data, name) or "").strip():
            errors[name] = message
    for name in TRIGGER_FIELDS:
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors[name] = f"This must be {MAX_TEXT:,} characters or fewer"
    return errors


def trigger_review_due(today: date) -> date:
    return today + timedelta(days=settings.MACE_TRIGGER_PLAN_REVIEW_DAYS)


def trigger_plan_save(
    *, person: Person, data: TriggerPlanIn, by: User, version: int | None = None
) -> tuple[TriggerPlan, bool]:
    """Write the child's trigger plan, or revise the live one (which counts as its review). Returns the
    plan and whether it was new. A stale version is a conflict: nothing is overwritten."""
    _require(by, "report_missing", "Only the police write trigger plans.")
    errors = validate_trigger_plan(data)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    label = _label(by)
    values = {name: (getattr(data, name) or "").strip() for name in TRIGGER_FIELDS}
    with transaction.atomic():
        plan = TriggerPlan.objects.select_for_update().filter(person=person, ended_at__isnull=True).first()
        created = plan is None
        if plan is None:
            if version:  # the client saw a plan that has since been ended
                raise ValidationError({"__all__": "The trigger plan you were editing has been ended"})
            plan = TriggerPlan(
                person=person, partnership_id=person.partnership_id, created_at=now, created_by_label=label
            )
        else:  # revising the live plan needs the version it was read at (none: a conflict, as stale)
            require_version(plan, version, values)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.updated_at, plan.updated_by_label = now, label
        plan.review_due_on = trigger_review_due(timezone.localdate(now))
        if created:
            plan.save()
        else:
            save_next_version(plan)
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.MISSING,
            occurred_at=now,
            title="Police trigger plan " + ("written" if created else "reviewed"),
            body=f"If missing: {values['actions']}"[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        _notify(
            [u for u in _allocated_team_users(person.pk) if u != getattr(by, "pk", None)],
            f"Police trigger plan {'written' if created else 'updated'}: {person.display_name}",
            "What the police will do when the child is next missing.",
            f"/missing/children/{person.pk}/trigger-plan/",
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.CREATE if created else AccessLogEntry.Action.UPDATE,
                "trigger_plan",
                str(plan.pk),
                person.pk,
                detail={"version": plan.version},
            ),
        )
    return plan, created


def trigger_plan_end(*, plan: TriggerPlan, reason: str, by: User, version: int | None = None) -> TriggerPlan:
    """The plan is no longer needed (the child has stopped going missing, or moved away)."""
    _require(by, "report_missing", "Only the police end trigger plans.")
    if not (reason or "").strip():
        raise ValidationError({"end_reason": "Say why the plan is no longer needed"})
    with transaction.atomic():
        plan = TriggerPlan.objects.select_for_update().get(pk=plan.pk)
        require_version(plan, version, {"end_reason": reason})
        if plan.ended_at is not None:
            raise ValidationError({"__all__": "This trigger plan has already ended"})
        now = timezone.now()
        plan.ended_at, plan.end_reason = now, reason.strip()
        plan.updated_at, plan.updated_by_label = now, _label(by)
        save_next_version(plan)
        people_services.chronology_add(
            person=plan.person,
            kind=ChronologyEvent.Kind.MISSING,
            occurred_at=now,
            title="Police trigger plan ended",
            body=plan.end_reason[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "trigger_plan",
                str(plan.pk),
                plan.person_id,
                detail={"ended": True},
            ),
        )
    return plan
