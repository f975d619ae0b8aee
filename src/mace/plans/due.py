"""The plan's open actions, each due by the end of its date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from mace.core import due

from .models import Plan, PlanStatus


@due.source("plan actions")
def plan_actions(person: Any) -> list[due.Due]:
    plan = Plan.objects.filter(person=person).exclude(status=PlanStatus.CLOSED).first()
    if plan is None:
        return []
    current = plan.versions.get(number=plan.version)
    href = reverse("plans:plan", args=[person.pk])
    return [
        due.Due(
            f"Plan action: {a['text']}",
            due.end_of_day(date.fromisoformat(a["due"])),
            f"Owner: {a['owner']}" if a.get("owner") else "",
            href,
            all_day=True,
        )
        for a in current.actions
        if a.get("due") and not a.get("done")
    ]


@due.source("plan review")
def plan_review(person: Any) -> list[due.Due]:
    """An agreed plan is reviewed within `MACE_PLAN_REVIEW_DAYS` of its last review (or of being agreed):
    the standard the scorecard counts as "plans reviewed on time"."""
    from datetime import timedelta

    from django.conf import settings

    from mace.core import clocks

    plan = Plan.objects.filter(person=person, status=PlanStatus.AGREED).first()
    if plan is None:
        return []
    last = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    agreed = (
        plan.versions.filter(status=PlanStatus.AGREED)
        .order_by("number")
        .values_list("created_at", flat=True)
        .first()
    )
    since = max(
        d for d in (last, agreed.astimezone(clocks.LONDON).date() if agreed else None) if d is not None
    )
    detail = f"Last reviewed {since:%-d %B %Y}" if last else f"Agreed {since:%-d %B %Y}, not yet reviewed"
    return [
        due.Due(
            "Review the plan",
            due.end_of_day(since + timedelta(days=settings.MACE_PLAN_REVIEW_DAYS)),
            detail,
            reverse("plans:plan", args=[person.pk]),
            all_day=True,
        )
    ]
