"""Rapid reviews and practice reviews for partner systems: each with its 15-working-day clock and its
actions' progress. Partnership business: a review's reference, never a child's name."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from . import selectors

router = Router(tags=["reviews"])


class PracticeReviewOut(Schema):
    id: int
    reference: str
    kind: str = Field(..., description="rapid or practice")
    notified_on: date
    due: date | None = Field(None, description="Rapid reviews: 15 working days from notification")
    completed_on: date | None
    on_time: bool | None
    clock: str
    themes: list[str]
    actions: int
    actions_done: int
    actions_overdue: int
    learning_shared_on: date | None
    complete: bool
    status: str


@router.get("", response={200: list[PracticeReviewOut]}, summary="The reviews of your partnerships")
def list_reviews(request: HttpRequest) -> Status[Any]:
    rows = selectors.rows_for(request.user)
    return Status(
        200,
        [
            {
                "id": r.review.pk,
                "reference": r.review.reference,
                "kind": r.review.kind,
                "notified_on": r.review.notified_on,
                "due": r.timeliness.due if r.timeliness else None,
                "completed_on": r.review.completed_on,
                "on_time": r.timeliness.on_time if r.timeliness else None,
                "clock": r.timeliness.text if r.timeliness else "",
                "themes": list(r.review.themes),
                "actions": r.actions,
                "actions_done": r.done,
                "actions_overdue": r.overdue,
                "learning_shared_on": r.review.learning_shared_on,
                "complete": r.complete,
                "status": r.status,
            }
            for r in rows
        ],
    )
