"""A return home interview to offer and a trigger plan to review are due for the child."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mace.core import due

from .models import ReturnInterview, TriggerPlan


@due.source("return home interviews")
def interviews(person: Any) -> list[due.Due]:
    """Offered and completed within 72 hours of the return; a declined interview is no longer due."""
    open_interviews = ReturnInterview.objects.filter(
        episode__person=person, completed_at__isnull=True
    ).exclude(response=ReturnInterview.Response.DECLINED)
    href = reverse("missing:history", args=[person.pk])
    return [
        due.Due(
            "Complete the return home interview" if i.offered_at else "Offer the return home interview",
            i.offer_due_at,
            "Within 72 hours of the child's return",
            href,
        )
        for i in open_interviews
    ]


@due.source("trigger plans")
def trigger_plan_review(person: Any) -> list[due.Due]:
    plan = TriggerPlan.objects.filter(person=person, ended_at__isnull=True).first()
    if plan is None:
        return []
    href = reverse("missing:trigger-plan", args=[person.pk])
    review_by = due.end_of_day(plan.review_due_on)
    return [due.Due("Review the police trigger plan", review_by, "", href, all_day=True)]
