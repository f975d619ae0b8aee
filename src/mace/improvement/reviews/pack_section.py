"""Rapid reviews and practice reviews in the board pack: counts only (the executive sees numbers, never a
child and never a review's own words): rapid reviews notified in the period, how many were completed within
the 15 working days, the open reviews' actions done and overdue, learning shared. A count of reviews from
1 to 4 reads "fewer than 5" for a reader of aggregates only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mace.core.disclosure import count_text
from mace.oversight.pack import SectionOmitted, register_section

from . import selectors
from .models import Review


def build(user: Any, period: Any, partnership_ids: list[int]) -> dict[str, Any]:
    if not Review.objects.filter(partnership_id__in=partnership_ids).exists():
        raise SectionOmitted("No rapid review or practice review of these partnerships is in MACE.")
    on = min(period.end - timedelta(days=1), timezone.localdate())
    s = selectors.summary(partnership_ids, period.start, period.end - timedelta(days=1), on)
    figures = [
        ("Rapid reviews notified in the period", count_text(s.rapid, user)),
        ("Of those, completed", count_text(s.rapid_done, user)),
        ("Of those, completed within 15 working days", count_text(s.rapid_on_time, user)),
        ("Reviews not yet tracked to completion", count_text(s.open_reviews, user)),
        ("Their actions", f"{s.actions:,}"),
        ("Their actions completed", f"{s.actions_done:,}"),
        ("Their actions overdue", f"{s.actions_overdue:,}"),
        ("Reviews notified in the period whose learning was shared", count_text(s.learning_shared, user)),
    ]
    headlines = [
        f"Rapid reviews: {count_text(s.rapid_on_time, user)} of {count_text(s.rapid, user)} notified in the"
        " period completed within 15 working days."
    ]
    decisions = (
        [f"{s.actions_overdue} review actions are overdue: are their owners held to account?"]
        if s.actions_overdue
        else []
    )
    return {"figures": figures, "headlines": headlines, "decisions": decisions, "on": on}


register_section(
    "practice-reviews",
    "Rapid reviews and practice reviews",
    86,
    "improvement/reviews/_pack_reviews.html",
    build,
    kinds=("board",),
)
