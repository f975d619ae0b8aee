"""Reviews' writes: a rapid review or practice review from its notification, its recommendations, their
actions (owner, due date) and dated progress, the learning shared, and the review's completion. Each
validates, audits and writes in one transaction. Only whoever runs the improvement plans writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Partnership
from mace.core import audit as access_log
from mace.core.models import AccessLogEntry
from mace.core.services import actor, is_system, label, require

from .models import Recommendation, Review, ReviewAction, ReviewActionUpdate, Theme

A = AccessLogEntry.Action
REFUSED = "Only the business manager, a manager or an administrator records reviews."


def _allowed(by: By) -> None:
    require(by, "manage_improvement", REFUSED)


def _user(by: By) -> Any:
    return None if is_system(by) or isinstance(by, access_log.Actor) else by


def _date_problems(
    value: date | None, field: str, what: str, today: date, errors: dict[str, list[str]]
) -> None:
    if value is None:
        errors[field] = [f"Enter {what}"]
    elif value > today:
        errors[field] = [f"{what[0].upper()}{what[1:]} cannot be in the future"]


def review_create(
    *,
    partnership: Partnership,
    kind: str,
    reference: str,
    summary: str,
    notified_on: date | None,
    themes: list[str],
    by: By,
) -> Review:
    _allowed(by)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in Review.Kind.values:
        errors["kind"] = ["Choose a rapid review or a practice review"]
    if not reference.strip():
        errors["reference"] = ["Enter the review's reference, like RR 2026/03 (never a child's name)"]
    elif Review.objects.filter(partnership=partnership, reference=reference.strip()).exists():
        errors["reference"] = ["There is already a review with that reference"]
    _date_problems(notified_on, "notified_on", "the date the partnership was notified", today, errors)
    if bad := [t for t in themes if t not in Theme.values]:
        errors["themes"] = [f"Not a theme: {', '.join(bad)}"]
    if errors:
        raise ValidationError(errors)
    assert notified_on is not None
    with transaction.atomic():
        review = Review.objects.create(
            partnership=partnership,
            kind=kind,
            reference=reference.strip(),
            summary=summary.strip(),
            notified_on=notified_on,
            themes=sorted(set(themes), key=Theme.values.index),
            created_at=timezone.now(),
            created_by_label=label(by),
        )
        access_log.record(
            actor(by),
            access_log.Event(
                A.CREATE, "practice_review", str(review.pk), detail={"reference": review.reference}
            ),
        )
    return review


def recommendation_add(*, review: Review, text: str, by: By) -> Recommendation:
    _allowed(by)
    if not text.strip():
        raise ValidationError({"text": ["Enter the recommendation"]})
    with transaction.atomic():
        number = (
            review.recommendations.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        made = Recommendation.objects.create(review=review, number=number, text=text.strip())
        access_log.record(
            actor(by),
            access_log.Event(
                A.CREATE,
                "review_recommendation",
                str(made.pk),
                detail={"review": review.pk, "number": number},
            ),
        )
    return made


def action_add(
    *, recommendation: Recommendation, text: str, owner: str, due: date | None, by: By
) -> ReviewAction:
    """An action answering a recommendation: refused without an owner or a due date, or due before the
    review was notified."""
    _allowed(by)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Enter what will be done"]
    if not owner.strip():
        errors["owner"] = ["Enter the action's owner (a person or a partnership group)"]
    if due is None:
        errors["due"] = ["Enter the date the action is due"]
    elif due < recommendation.review.notified_on:
        errors["due"] = ["The action cannot be due before the review was notified"]
    if errors:
        raise ValidationError(errors)
    assert due is not None
    with transaction.atomic():
        made = ReviewAction.objects.create(
            recommendation=recommendation,
            text=text.strip(),
            owner=owner.strip(),
            due=due,
            created_at=timezone.now(),
        )
        access_log.record(
            actor(by),
            access_log.Event(
                A.CREATE,
                "review_action",
                str(made.pk),
                detail={"review": recommendation.review_id, "owner": made.owner, "due": str(due)},
            ),
        )
    return made


def action_update(
    *, action: ReviewAction, on: date | None, text: str, completed: bool, by: By
) -> ReviewActionUpdate:
    """Dated progress on an action; `completed` marks it done on that date. Refused if dated before the
    action existed or in the future."""
    _allowed(by)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    _date_problems(on, "on", "the date of the update", today, errors)
    if on is not None and on < timezone.localdate(action.created_at):
        errors["on"] = ["The update is dated before the action existed"]
    if not text.strip():
        errors["text"] = ["Say what has been done"]
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with transaction.atomic():
        update = ReviewActionUpdate.objects.create(
            action=action,
            on=on,
            text=text.strip(),
            completed=completed,
            by=_user(by),
            by_label=label(by),
            recorded_at=timezone.now(),
        )
        if completed and action.completed_on is None:
            ReviewAction.objects.filter(pk=action.pk).update(completed_on=on)
            action.completed_on = on
        access_log.record(
            actor(by),
            access_log.Event(
                A.CREATE,
                "review_action_update",
                str(update.pk),
                detail={"action": action.pk, "on": str(on), "completed": completed},
            ),
        )
    return update


def review_complete(*, review: Review, completed_on: date | None, by: By) -> Review:
    """The review done (a rapid review sent to the national panel): its clock stops."""
    _allowed(by)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    _date_problems(completed_on, "completed_on", "the date the review was completed", today, errors)
    if completed_on is not None and completed_on < review.notified_on:
        errors["completed_on"] = ["The review cannot be completed before it was notified"]
    if review.completed_on is not None:
        errors["__all__"] = ["The review is already completed"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(completed_on=completed_on)
        review.completed_on = completed_on
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE, "practice_review", str(review.pk), detail={"completed_on": str(completed_on)}
            ),
        )
    return review


def learning_share(*, review: Review, learning: str, shared_on: date | None, how: str, by: By) -> Review:
    """The themes' learning and how and when it was shared across the partnership (5.2c)."""
    _allowed(by)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not learning.strip():
        errors["learning"] = ["Enter the learning"]
    _date_problems(shared_on, "shared_on", "the date the learning was shared", today, errors)
    if shared_on is not None and shared_on < review.notified_on:
        errors["shared_on"] = ["The learning cannot be shared before the review was notified"]
    if not how.strip():
        errors["how"] = ["Say how it was shared (a learning week, briefings to teams, training)"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(
            learning=learning.strip(), learning_shared_on=shared_on, learning_shared_how=how.strip()
        )
        review.learning, review.learning_shared_on, review.learning_shared_how = (
            learning.strip(),
            shared_on,
            how.strip(),
        )
        access_log.record(
            actor(by),
            access_log.Event(
                A.UPDATE, "practice_review", str(review.pk), detail={"learning_shared_on": str(shared_on)}
            ),
        )
    return review
