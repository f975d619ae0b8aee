"""Where meetings record the child's voice: the child's words brought to the meeting."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from mace.core import voice

from .models import Meeting


@voice.source("meetings")
def meeting_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        Meeting.objects.filter(children__pk__in=person_ids, held_at__isnull=False)
        .filter(**voice.recorded_before("held_at", before))
        .exclude(child_voice="")
        .values("children__pk")
        .annotate(at=Max("held_at"))
    )
    return {r["children__pk"]: r["at"] for r in rows}
