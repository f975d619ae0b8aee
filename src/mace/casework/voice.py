"""Where casework records the child's voice: what they said on a visit, in their words."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Max

from mace.core import clocks, voice

from .models import Visit


@voice.source("visits")
def visit_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        Visit.objects.filter(person_id__in=person_ids)
        .filter(**voice.recorded_before("visited_on", before, by_day=True))
        .exclude(child_words="")
        .values("person_id")
        .annotate(on=Max("visited_on"))
    )
    # A visit is recorded by the day; the child was heard by the end of it.
    return {r["person_id"]: datetime.combine(r["on"], time(12), tzinfo=clocks.LONDON) for r in rows}
