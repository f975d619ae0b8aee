"""Where the front door records the child's voice: the contact's analysis."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from mace.core import voice

from .models import Contact


@voice.source("front door contacts")
def contact_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        Contact.objects.filter(person_id__in=person_ids)
        .filter(**voice.recorded_before("received_at", before))
        .exclude(child_voice="")
        .values("person_id")
        .annotate(at=Max("received_at"))
    )
    return {r["person_id"]: r["at"] for r in rows}
