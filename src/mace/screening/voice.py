"""Where screening records the child's voice: their own words on the screening tool."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from mace.core import voice

from .models import Screening


@voice.source("screenings")
def screening_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        Screening.objects.filter(person_id__in=person_ids)
        .filter(**voice.recorded_before("completed_at", before))
        .exclude(child_voice="")
        .values("person_id")
        .annotate(at=Max("completed_at"))
    )
    return {r["person_id"]: r["at"] for r in rows}
