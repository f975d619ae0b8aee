"""Changing the child's plan: every save is a new version, refused without an owner for each action or,
when agreed, without a contingency plan; reviews; who has seen and acknowledged which version.

Every function validates (all problems at once, keyed by field), checks the version the form was opened
on, and writes the plan, the chronology, the notifications and the access log in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import User
from mace.core import audit
from mace.core import services as core_services
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import matches, save_next_version
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement, Person

from .models import Plan, PlanReceipt, PlanReview, PlanStatus, PlanType, PlanVersion

MAX_TEXT = 20_000
TEXT_FIELDS = ("needs_and_risks", "outcomes", "child_views", "family_views", "contingency")


@dataclass
class ActionIn:
    text: str
    owner: str = ""  # a named professional
    agency: str = ""  # or an agency
    due: date | None = None
    done: date | None = None
    key: str = ""  # the same action across versions


@dataclass
class PlanIn:
    plan_type: str
    reason: str
    agree: bool = False
    needs_and_risks: str = ""
    outcomes: str = ""
    child_views: str = ""
    family_views: str = ""
    contingency: str = ""
    actions: list[ActionIn] = field(default_factory=list)


_actor = core_services.actor
_label = core_services.label
_require = core_services.require


def validate_plan(data: PlanIn, *, first: bool, today: date | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field name (actions as `action_<n>`, counting from 1)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if data.plan_type not in PlanType.values:
        errors["plan_type"] = (
            "Choose the type of plan: early help, child in need, child protection or cared for"
        )
    if not first and not (data.reason or "").strip():
        errors["reason"] = "Say why the plan is changing"
    for name in TEXT_FIELDS:
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors[name] = f"This must be {MAX_TEXT:,} characters or fewer"
    if data.agree:
        if not (data.contingency or "").strip():
            errors["contingency"] = (
                "A plan cannot be agreed without a contingency plan: say what will happen if the plan "
                "is not working or the risk to the child increases"
            )
        if not (data.needs_and_risks or "").strip():
            errors["needs_and_risks"] = "A plan cannot be agreed without the child's needs and risks"
        if not (data.outcomes or "").strip():
            errors["outcomes"] = "A plan cannot be agreed without saying what will change"
    for n, action in enumerate(data.actions, start=1):
        problems = []
        if not (action.text or "").strip():
            problems.append("say what will be done")
        if not (action.owner or "").strip() and not (action.agency or "").strip():
            problems.append("give the action an owner: a named professional or an agency")
        if action.due is None:
            problems.append("give a due date")
        if action.done is not None and action.done > today:
            problems.append("the completion date cannot be in the future")
        if problems:
            errors[f"action_{n}"] = f"Action {n}: " + "; ".join(problems)
    return errors


def _action_dict(action: ActionIn) -> dict[str, str]:
    return {
        "key": action.key or uuid.uuid4().hex[:12],
        "text": action.text.strip(),
        "owner": action.owner.strip()[:150],
        "agency": action.agency.strip()[:150],
        "due": action.due.isoformat() if action.due else "",
        "done": action.done.isoformat() if action.done else "",
    }


def involved_professionals(person: Person) -> list[User]:
    """Every named professional with an open involvement with the child, across agencies."""
    ids = (
        Involvement.objects.filter(person=person, ended_at__isnull=True, worker__isnull=False)
        .values_list("worker_id", flat=True)
        .distinct()
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True).select_related("agency").order_by("last_name", "pk")
    )


def _notify(plan: Plan, version: PlanVersion, by: By) -> int:
    person = plan.person
    by_id = by.pk if isinstance(by, User) else None
    recipients = [u for u in involved_professionals(person) if u.pk != by_id]
    link = f"/plans/children/{person.pk}/versions/{version.number}/"
    title = f"{person.display_name}'s plan has a new version ({version.number})"
    body = f"{version.get_plan_type_display()}, {version.get_status_display().lower()}. {version.reason}"
    Notification.objects.bulk_create(
        Notification(user_id=u.pk, title=title[:200], body=body[:300], link=link) for u in recipients
    )
    return len(recipients)


def _attempted(data: PlanIn) -> dict[str, Any]:
    return {
        "plan_type": data.plan_type,
        "status": "agreed" if data.agree else "draft",
        "reason": data.reason,
        **{name: getattr(data, name) for name in TEXT_FIELDS},
        "actions": [_action_dict(a) for a in data.actions],
    }


def plan_save(
    *,
    person: Person,
    data: PlanIn,
    by: User,
    version: int | None,
    at: datetime | None = None,
    closing: bool = False,
) -> PlanVersion:
    """Save the plan as a new version. `version` is the version the form was opened on (0 for a new
    plan); if someone else has saved since, raise Conflict and change nothing. `closing` is for a
    review's decision to close the plan."""
    _require(by, "edit_plans", "This account cannot change children's plans.")
    at = at or timezone.now()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(person=person).first()
        current = plan.version if plan else 0
        if not matches(version, current):  # no version is a conflict too: 0 means "no plan yet"
            latest = plan.versions.get(number=plan.version) if plan else None
            raise Conflict(latest, _attempted(data), based_on=version)
        errors = validate_plan(data, first=plan is None, today=at.date())
        if errors:
            raise ValidationError(errors)
        previous = plan.versions.get(number=plan.version) if plan else None
        status = PlanStatus.AGREED if data.agree else PlanStatus.DRAFT
        if closing:
            status = PlanStatus.CLOSED
        if plan is None:
            try:
                with transaction.atomic():
                    plan = Plan.objects.create(
                        person=person,
                        partnership=person.partnership,
                        created_at=at,
                        updated_at=at,
                        plan_type=data.plan_type,
                        status=status,
                        version=1,
                    )
            except IntegrityError:  # someone created the child's plan a moment ago
                latest = PlanVersion.objects.filter(plan__person=person).order_by("-number").first()
                raise Conflict(latest, _attempted(data)) from None
        else:
            plan.plan_type, plan.status, plan.updated_at = data.plan_type, status, at
            save_next_version(plan, ["plan_type", "status", "updated_at"])
        child_views = data.child_views.strip()
        views_at = at if child_views else None
        if previous is not None and previous.child_views == child_views:
            views_at = previous.child_views_at
        reason = data.reason.strip() or "First version of the plan"
        new = PlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            created_at=at,
            created_by=by if isinstance(by, User) else None,
            created_by_label=_label(by),
            reason=reason,
            plan_type=data.plan_type,
            status=status,
            needs_and_risks=data.needs_and_risks.strip(),
            outcomes=data.outcomes.strip(),
            child_views=child_views,
            child_views_at=views_at,
            family_views=data.family_views.strip(),
            contingency=data.contingency.strip(),
            actions=[_action_dict(a) for a in data.actions],
        )
        if isinstance(by, User):  # the author has, by definition, the version they wrote
            PlanReceipt.objects.create(plan=plan, user=by, number=new.number, seen_at=at, acknowledged_at=at)
        told = _notify(plan, new, by)
        verb = {PlanStatus.AGREED: "agreed", PlanStatus.CLOSED: "closed"}.get(status, "saved as a draft")
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.PLAN,
            occurred_at=at,
            title=f"{new.get_plan_type_display()} plan version {new.number} {verb}",
            body=reason[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.CREATE if new.number == 1 else AccessLogEntry.Action.UPDATE,
                "plan",
                str(plan.pk),
                person.pk,
                detail={"version": new.number, "status": str(status), "type": data.plan_type, "told": told},
            ),
        )
    return new


def plan_seen(*, plan: Plan, by: User, acknowledge: bool = False, number: int | None = None) -> PlanReceipt:
    """Record that this professional has opened (or, acknowledging, read and accepted) a version."""
    now = timezone.now()
    number = number or plan.version
    with transaction.atomic():
        receipt, _created = PlanReceipt.objects.get_or_create(
            plan=plan, user=by, number=number, defaults={"seen_at": now}
        )
        if acknowledge and receipt.acknowledged_at is None:
            receipt.acknowledged_at = now
            receipt.save(update_fields=["acknowledged_at"])
            audit.record(
                audit.Actor.of(by),
                audit.Event(
                    AccessLogEntry.Action.UPDATE,
                    "plan",
                    str(plan.pk),
                    plan.person_id,
                    detail={"acknowledged_version": number},
                ),
            )
    return receipt


# Reviews ------------------------------------------------------------------------------------------


@dataclass
class ReviewIn:
    held_on: date | None
    attendees: str
    progress: str
    contingency_needed: bool | None
    contingency_used: bool | None
    child_safer: str
    decision: str
    contingency_not_used_reason: str = ""
    new_type: str = ""
    child_views: str = ""
    meeting: Any = None  # the plan review meeting held, if there was one


def meeting_attendees(meeting: Any) -> str:
    """Who attended a meeting, as a review records it: "Name (agency)", one per line."""
    return "\n".join(
        f"{i.user.get_full_name()} ({i.agency.name if i.agency else i.role})"
        for i in meeting.invitations.select_related("user", "agency").filter(attended=True)
    )


STEP_DOWN = {
    PlanType.CARED_FOR: {PlanType.CHILD_PROTECTION, PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP},
    PlanType.CHILD_PROTECTION: {PlanType.CHILD_IN_NEED, PlanType.EARLY_HELP},
    PlanType.CHILD_IN_NEED: {PlanType.EARLY_HELP},
    PlanType.EARLY_HELP: set(),
}


def validate_review(plan: Plan, data: ReviewIn, *, today: date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    D = PlanReview.Decision
    if data.held_on is None:
        errors["held_on"] = "Give the date of the review"
    elif data.held_on > today:
        errors["held_on"] = "A review cannot be recorded before it has happened"
    elif data.held_on < plan.created_at.date():
        errors["held_on"] = "The review cannot be before the plan started"
    m = data.meeting
    if m is not None:
        if m.kind != "plan_review" or not m.children.filter(pk=plan.person_id).exists():
            errors["meeting"] = "Choose a plan review meeting about this child"
        elif m.held_at is None:
            errors["meeting"] = "Record the meeting as held before recording the review"
        elif PlanReview.objects.filter(meeting=m).exists():
            errors["meeting"] = "That meeting's review has already been recorded"
    if not (data.attendees or "").strip():
        errors["attendees"] = "Say who attended the review"
    if not (data.progress or "").strip():
        errors["progress"] = "Describe the progress against the plan"
    if data.contingency_needed is None:
        errors["contingency_needed"] = "Say whether the contingency plan was needed"
    if data.contingency_used is None:
        errors["contingency_used"] = "Say whether the contingency plan was used"
    needed_not_used = data.contingency_needed and data.contingency_used is False
    if needed_not_used and not (data.contingency_not_used_reason or "").strip():
        errors["contingency_not_used_reason"] = (
            "The contingency plan was needed but not used: say why it was not used"
        )
    if data.child_safer not in PlanReview.Safer.values:
        errors["child_safer"] = "Say whether the child is safer because of the plan"
    if data.decision not in D.values:
        errors["decision"] = "Choose the decision: continue, change the plan type, step down or close"
    elif data.decision in (D.CHANGE_TYPE, D.STEP_DOWN):
        if data.new_type not in PlanType.values:
            errors["new_type"] = "Choose the new type of plan"
        elif data.new_type == plan.plan_type:
            errors["new_type"] = "The new type must differ from the plan's type now"
        elif data.decision == D.STEP_DOWN and data.new_type not in STEP_DOWN[PlanType(plan.plan_type)]:
            errors["new_type"] = "Stepping down moves to a lower level of plan"
    return errors


def review_record(*, plan: Plan, data: ReviewIn, by: User, version: int | None = None) -> PlanReview:
    """Record a review of the version the form showed (`version`). A review adds to the plan and never
    overwrites it: if someone saved a new version meanwhile, a change of type, a step down or a closure
    builds the next version on top of theirs, so nothing is lost and no conflict is needed."""
    _require(by, "edit_plans", "This account cannot record plan reviews.")
    D = PlanReview.Decision
    if data.meeting is not None and data.meeting.held_at is not None:
        # The meeting says when it was held and who came; the reviewer may add to who attended.
        data.held_on = data.held_on or timezone.localdate(data.meeting.held_at)
        data.attendees = data.attendees or meeting_attendees(data.meeting)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().select_related("person").get(pk=plan.pk)
        errors = validate_review(locked, data)
        if errors:
            raise ValidationError(errors)
        review = PlanReview.objects.create(
            plan=locked,
            reviewed_version=version if version and 1 <= version <= locked.version else locked.version,
            held_on=data.held_on or timezone.localdate(),  # validated above
            attendees=data.attendees.strip(),
            progress=data.progress.strip(),
            child_views=data.child_views.strip(),
            contingency_needed=bool(data.contingency_needed),
            contingency_used=bool(data.contingency_used),
            contingency_not_used_reason=data.contingency_not_used_reason.strip(),
            child_safer=data.child_safer,
            decision=data.decision,
            new_type=data.new_type if data.decision in (D.CHANGE_TYPE, D.STEP_DOWN) else "",
            meeting=data.meeting,
            recorded_at=timezone.now(),
            recorded_by_label=_label(by),
        )
        people_services.chronology_add(
            person=locked.person,
            kind=ChronologyEvent.Kind.PLAN,
            occurred_at=timezone.now(),
            title=f"Plan reviewed: {review.get_decision_display().lower()}",
            body=f"Child safer: {review.get_child_safer_display().lower()}. {review.progress}"[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.CREATE,
                "plan_review",
                str(review.pk),
                locked.person_id,
                detail={"decision": data.decision},
            ),
        )
        if data.decision != D.CONTINUE:
            _next_version_after_review(locked, review, by)
    return review


def _next_version_after_review(plan: Plan, review: PlanReview, by: User) -> PlanVersion:
    current = plan.versions.get(number=plan.version)
    closing = review.decision == PlanReview.Decision.CLOSE
    data = PlanIn(
        plan_type=review.new_type or current.plan_type,
        reason=f"Plan review on {review.held_on:%-d %B %Y}: {review.get_decision_display().lower()}"
        + ("" if closing else f" to {PlanType(review.new_type).label.lower()}"),
        agree=current.status == PlanStatus.AGREED,
        needs_and_risks=current.needs_and_risks,
        outcomes=current.outcomes,
        child_views=current.child_views,
        family_views=current.family_views,
        contingency=current.contingency,
        actions=[_action_in(a) for a in current.actions],
    )
    return plan_save(person=plan.person, data=data, by=by, version=plan.version, closing=closing)


def _action_in(a: dict[str, str]) -> ActionIn:
    return ActionIn(
        text=a.get("text", ""),
        owner=a.get("owner", ""),
        agency=a.get("agency", ""),
        due=date.fromisoformat(a["due"]) if a.get("due") else None,
        done=date.fromisoformat(a["done"]) if a.get("done") else None,
        key=a.get("key", ""),
    )
