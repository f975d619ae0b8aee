"""Where the plan records the child's voice: their views in the plan, and their words at reviews."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.db.models import Max

from mace.core import voice

from .models import PlanReview, PlanVersion


@voice.source("the child's plan")
def plan_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        PlanVersion.objects.filter(plan__person_id__in=person_ids, child_views_at__isnull=False)
        .filter(**voice.recorded_before("child_views_at", before))
        .values("plan__person_id")
        .annotate(at=Max("child_views_at"))
    )
    return {r["plan__person_id"]: r["at"] for r in rows if r["at"]}


@voice.source("plan reviews")
def review_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        PlanReview.objects.filter(plan__person_id__in=person_ids)
        .filter(**voice.recorded_before("held_on", before, by_day=True))
        .exclude(child_views="")
        .values("plan__person_id")
        .annotate(on=Max("held_on"))
    )
    return {r["plan__person_id"]: datetime.combine(r["on"], time(12), tzinfo=UTC) for r in rows if r["on"]}
