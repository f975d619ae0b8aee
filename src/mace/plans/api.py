"""The child's plan for partner systems: read the current version and its history, save a new version,
record a review, acknowledge the latest version. Everything goes through the same access rules and
services as the pages: forbidden, missing and "no plan yet" all answer the same 404, a role without
the capability 403, the service's validation 422 naming the field, and a change based on an old
version 409 with what is saved now beside what was attempted (nothing is overwritten)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, problems
from mace.core.conflict import Conflict
from mace.frontdoor.api import ErrorOut

from . import selectors, services
from .models import PlanReview, PlanType, PlanVersion

router = Router(tags=["plans"])

MAX_TEXT = services.MAX_TEXT
PLAN_TYPES = "^(" + "|".join(PlanType.values) + ")$"


class PlanActionOut(Schema):
    key: str
    text: str
    owner: str
    agency: str
    due: str
    done: str


class PlanOut(Schema):
    person_id: int
    version: int = Field(
        ...,
        description="The number of this version. Send it back as `version` when you change the plan, "
        "so that a change made meanwhile by someone else is never overwritten.",
    )
    created_at: datetime
    created_by: str
    reason: str
    plan_type: str
    status: str
    needs_and_risks: str
    outcomes: str
    child_views: str
    family_views: str
    contingency: str
    actions: list[PlanActionOut]


class VersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str
    reason: str
    plan_type: str
    status: str


class PlanConflictOut(Schema):
    detail: str
    current_version: int | None = Field(..., description="The version saved now (null: no plan yet)")
    based_on: int | None = Field(..., description="The version your change was based on")
    current: PlanOut | None = Field(
        ..., description="What is saved now (null if the child has no plan yet); nothing was changed"
    )
    attempted: dict[str, Any] = Field(..., description="What you tried to save")


class PlanActionIn(Schema):
    key: str = Field("", max_length=64, description="The action's key from an earlier version, if any")
    text: str = Field("", max_length=MAX_TEXT)
    owner: str = Field("", max_length=150, description="A named professional (or give an agency)")
    agency: str = Field("", max_length=150, description="An agency (or give a named professional)")
    due: date | None = None
    done: date | None = None


class PlanIn(Schema):
    version: int | None = Field(
        None,
        ge=1,
        description="The version your change is based on; omit it (or null) only to start the plan",
    )
    plan_type: str = Field(..., pattern=PLAN_TYPES)
    reason: str = Field("", max_length=2000, description="Why the plan is changing (not needed to start it)")
    agree: bool = Field(False, description="Agree the plan (it needs a contingency); otherwise a draft")
    needs_and_risks: str = Field("", max_length=MAX_TEXT)
    outcomes: str = Field("", max_length=MAX_TEXT)
    child_views: str = Field("", max_length=MAX_TEXT, description="In the child's own words")
    family_views: str = Field("", max_length=MAX_TEXT)
    contingency: str = Field("", max_length=MAX_TEXT)
    actions: list[PlanActionIn] = Field(default_factory=list, max_length=200)


class PlanReviewIn(Schema):
    version: int | None = Field(None, ge=1, description="The version reviewed; the current one if omitted")
    held_on: date
    attendees: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=MAX_TEXT)
    progress: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=MAX_TEXT)
    child_views: str = Field("", max_length=MAX_TEXT, description="In the child's own words")
    contingency_needed: bool
    contingency_used: bool
    contingency_not_used_reason: str = Field(
        "", max_length=MAX_TEXT, description="Required when the contingency was needed but not used"
    )
    child_safer: str = Field(..., pattern="^(" + "|".join(PlanReview.Safer.values) + ")$")
    decision: str = Field(..., pattern="^(" + "|".join(PlanReview.Decision.values) + ")$")
    new_type: str = Field("", pattern="^(|" + "|".join(PlanType.values) + ")$")


class PlanReviewOut(Schema):
    id: int
    person_id: int
    reviewed_version: int
    held_on: date
    decision: str
    new_type: str
    child_safer: str
    contingency_needed: bool
    contingency_used: bool
    contingency_not_used_reason: str
    recorded_at: datetime
    recorded_by: str
    plan_version: int = Field(
        ...,
        description="The plan's version after the review: a change of type, step down or closure "
        "makes a new one",
    )


class AcknowledgeIn(Schema):
    version: int = Field(..., ge=1, description="The version you have read: it must be the latest")


class AcknowledgementOut(Schema):
    person_id: int
    version: int
    seen_at: datetime
    acknowledged_at: datetime | None


def _plan_out(v: PlanVersion) -> dict[str, object]:
    return {
        "person_id": v.plan.person_id,
        "version": v.number,
        "created_at": v.created_at,
        "created_by": v.created_by_label,
        "reason": v.reason,
        "plan_type": v.plan_type,
        "status": v.status,
        "needs_and_risks": v.needs_and_risks,
        "outcomes": v.outcomes,
        "child_views": v.child_views,
        "family_views": v.family_views,
        "contingency": v.contingency,
        "actions": v.actions,
    }


def _conflict(
    based_on: int | None, current: PlanVersion | None, attempted: dict[str, Any], then: str
) -> Status[Any]:
    now = f"is now at version {current.number}" if current else "has not been started"
    return Status(
        409,
        {
            "detail": f"The plan {now}, not the version you based this on. Nothing was saved: {then}",
            "current_version": current.number if current else None,
            "based_on": based_on,
            "current": _plan_out(current) if current else None,
            "attempted": attempted,
        },
    )


SEND_AGAIN = "compare what is saved now with what you attempted, and send your change based on it."
READ_FIRST = "read the current version, then acknowledge it."
NOT_FOUND: dict[str, object] = {"detail": "Not found"}


@router.get(
    "/{person_id}", response={200: PlanOut, 404: ErrorOut}, summary="The current version of a child's plan"
)
def current_plan(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    """Reading the plan here counts, as on the page, towards "who has the latest version"."""
    v = selectors.current_version(request.user, person_id)
    services.plan_seen(plan=v.plan, by=signed_in(request), number=v.number)
    return Status(200, _plan_out(v))


@router.put(
    "/{person_id}",
    response={200: PlanOut, 201: PlanOut, 403: ErrorOut, 404: ErrorOut, 409: PlanConflictOut, 422: ErrorOut},
    summary="Start the child's plan (201) or save a new version of it (200)",
)
def save_plan(request: HttpRequest, person_id: int, payload: PlanIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).edit_plans:
        return Status(403, {"detail": "This account cannot change children's plans"})
    person, _plan, _current = selectors.plan_for_user(user, person_id, purpose="plan")
    data = services.PlanIn(
        plan_type=payload.plan_type,
        reason=payload.reason,
        agree=payload.agree,
        needs_and_risks=payload.needs_and_risks,
        outcomes=payload.outcomes,
        child_views=payload.child_views,
        family_views=payload.family_views,
        contingency=payload.contingency,
        actions=[
            services.ActionIn(text=a.text, owner=a.owner, agency=a.agency, due=a.due, done=a.done, key=a.key)
            for a in payload.actions
        ],
    )
    # Caught here rather than by the API's handlers (docs/decisions/0010) to say what only this layer
    # knows: the version saved now, in full, and which request action a problem is about.
    try:
        # No version means "there is no plan yet": 0, so that a plan saved meanwhile is a conflict.
        new = services.plan_save(person=person, data=data, by=user, version=payload.version or 0)
    except Conflict as c:
        return _conflict(payload.version, c.record, c.attempted, SEND_AGAIN)
    except ValidationError as exc:
        return Status(422, problems(exc, {"action": "actions"}))
    return Status(201 if new.number == 1 else 200, _plan_out(new))


@router.get(
    "/{person_id}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    summary="Every version of a child's plan, newest first",
)
def plan_versions(request: HttpRequest, person_id: int) -> Status[Any]:
    versions = selectors.versions_for_user(request.user, person_id)
    return Status(
        200,
        [
            {
                "number": v.number,
                "created_at": v.created_at,
                "created_by": v.created_by_label,
                "reason": v.reason,
                "plan_type": v.plan_type,
                "status": v.status,
            }
            for v in versions
        ],
    )


@router.post(
    "/{person_id}/reviews",
    response={201: PlanReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a review of the child's plan",
)
def review_plan(request: HttpRequest, person_id: int, payload: PlanReviewIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).edit_plans:
        return Status(403, {"detail": "This account cannot record plan reviews"})
    _person, plan, _current = selectors.plan_for_user(user, person_id)
    if plan is None:
        return Status(404, NOT_FOUND)
    data = services.ReviewIn(
        held_on=payload.held_on,
        attendees=payload.attendees,
        progress=payload.progress,
        contingency_needed=payload.contingency_needed,
        contingency_used=payload.contingency_used,
        contingency_not_used_reason=payload.contingency_not_used_reason,
        child_safer=payload.child_safer,
        decision=payload.decision,
        new_type=payload.new_type,
        child_views=payload.child_views,
    )
    review = services.review_record(plan=plan, data=data, by=user, version=payload.version)
    plan.refresh_from_db(fields=["version"])  # a change of type, step down or closure is a new version
    return Status(
        201,
        {
            "id": review.pk,
            "person_id": plan.person_id,
            "reviewed_version": review.reviewed_version,
            "held_on": review.held_on,
            "decision": review.decision,
            "new_type": review.new_type,
            "child_safer": review.child_safer,
            "contingency_needed": review.contingency_needed,
            "contingency_used": review.contingency_used,
            "contingency_not_used_reason": review.contingency_not_used_reason,
            "recorded_at": review.recorded_at,
            "recorded_by": review.recorded_by_label,
            "plan_version": plan.version,
        },
    )


@router.post(
    "/{person_id}/acknowledge",
    response={200: AcknowledgementOut, 403: ErrorOut, 404: ErrorOut, 409: PlanConflictOut},
    summary="Record that you have read the latest version of the child's plan",
)
def acknowledge_plan(request: HttpRequest, person_id: int, payload: AcknowledgeIn) -> Status[Any]:
    user = signed_in(request)
    if not capabilities(user).records:
        return Status(403, {"detail": "This account does not work with children's records"})
    _person, plan, current = selectors.plan_for_user(user, person_id)
    if plan is None or current is None:
        return Status(404, NOT_FOUND)
    if payload.version != current.number:  # as on the page: read the newer version, then confirm
        return _conflict(payload.version, current, {"acknowledge": payload.version}, READ_FIRST)
    receipt = services.plan_seen(plan=plan, by=user, acknowledge=True, number=current.number)
    return Status(
        200,
        {
            "person_id": plan.person_id,
            "version": receipt.number,
            "seen_at": receipt.seen_at,
            "acknowledged_at": receipt.acknowledged_at,
        },
    )
