"""Reviews' reads: the reviews of the reader's partnerships (partnership business, no child named), each
with its rapid review clock, its actions' progress and whether it is tracked to completion, and the counts
the executive's board pack carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..selectors import NotFound, partnership_ids
from . import clock
from .models import Recommendation, Review, ReviewAction, ReviewActionUpdate


def reviews_for(user: Any) -> QuerySet[Review]:
    return Review.objects.filter(partnership_id__in=partnership_ids(user)).select_related("partnership")


def _full(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.prefetch_related(
                Prefetch(
                    "actions",
                    queryset=ReviewAction.objects.prefetch_related(
                        Prefetch("updates", queryset=ReviewActionUpdate.objects.order_by("-on", "-pk"))
                    ),
                )
            ),
        )
    )


def review_for(user: Any, pk: int) -> Review:
    found = _full(reviews_for(user)).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found


def recommendation_of(review: Review, pk: int) -> Recommendation | None:
    return review.recommendations.filter(pk=pk).first()


def action_of(review: Review, pk: int) -> ReviewAction | None:
    return (
        ReviewAction.objects.filter(pk=pk, recommendation__review=review)
        .select_related("recommendation__review")
        .first()
    )


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    timeliness: clock.Timeliness | None  # rapid reviews only
    actions: int
    done: int
    overdue: int
    complete: bool  # completed, every action done, and the learning shared

    @property
    def status(self) -> str:
        if self.complete:
            return "Complete"
        missing = []
        if self.review.completed_on is None:
            missing.append("review open")
        if self.actions > self.done:
            missing.append(f"{self.actions - self.done} of {self.actions} actions open")
        if not self.actions:
            missing.append("no actions yet")
        if self.review.learning_shared_on is None:
            missing.append("learning not shared")
        return "In progress: " + ", ".join(missing)


def row(review: Review, today: date | None = None) -> ReviewRow:
    today = today or timezone.localdate()
    actions = [a for r in review.recommendations.all() for a in r.actions.all()]
    done = sum(1 for a in actions if a.completed_on is not None)
    overdue = sum(1 for a in actions if a.completed_on is None and a.due < today)
    t = (
        clock.timeliness(review.notified_on, review.completed_on, today)
        if review.kind == Review.Kind.RAPID
        else None
    )
    complete = (
        review.completed_on is not None
        and bool(actions)
        and done == len(actions)
        and review.learning_shared_on is not None
    )
    return ReviewRow(review, t, len(actions), done, overdue, complete)


def rows_for(user: Any, today: date | None = None) -> list[ReviewRow]:
    return [row(r, today) for r in _full(reviews_for(user))]


@dataclass(frozen=True)
class Summary:
    rapid: int  # rapid reviews notified in the period
    rapid_done: int  # of those, completed
    rapid_on_time: int  # of those, completed within 15 working days
    open_reviews: int  # reviews not tracked to completion (any date)
    actions: int
    actions_done: int
    actions_overdue: int
    learning_shared: int  # reviews notified in the period whose learning was shared


def summary(partnership_ids_: list[int], start: date, end: date, today: date) -> Summary:
    """Counts for the board pack: rapid reviews notified from `start` to `end` (inclusive) and their
    timeliness; every open review's actions, as at `today`."""
    reviews = [row(r, today) for r in _full(Review.objects.filter(partnership_id__in=partnership_ids_))]
    in_period = [r for r in reviews if start <= r.review.notified_on <= end]
    rapid = [r for r in in_period if r.review.kind == Review.Kind.RAPID]
    open_rows = [r for r in reviews if not r.complete]
    return Summary(
        rapid=len(rapid),
        rapid_done=sum(1 for r in rapid if r.review.completed_on is not None),
        rapid_on_time=sum(1 for r in rapid if r.timeliness and r.timeliness.on_time),
        open_reviews=len(open_rows),
        actions=sum(r.actions for r in open_rows),
        actions_done=sum(r.done for r in open_rows),
        actions_overdue=sum(r.overdue for r in open_rows),
        learning_shared=sum(1 for r in in_period if r.review.learning_shared_on is not None),
    )


def partnerships_for(user: Any) -> list[Any]:
    from mace.accounts.models import Partnership

    return list(Partnership.objects.filter(pk__in=partnership_ids(user)).order_by("name"))
