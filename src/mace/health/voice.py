"""Where emergency departments record the child's voice: the attendance."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from mace.core import voice

from .models import Attendance


@voice.source("emergency department attendances")
def attendance_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        Attendance.objects.filter(person_id__in=person_ids)
        .filter(**voice.recorded_before("arrived_at", before))
        .exclude(child_voice="")
        .values("person_id")
        .annotate(at=Max("arrived_at"))
    )
    return {r["person_id"]: r["at"] for r in rows}
