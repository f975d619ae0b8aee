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
