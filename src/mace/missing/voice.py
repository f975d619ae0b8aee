"""Where missing work records the child's voice: their account on return, and the interview."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from mace.core import voice

from .models import MissingEpisode, ReturnInterview


@voice.source("missing episodes")
def return_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        MissingEpisode.objects.filter(person_id__in=person_ids)
        .filter(**voice.recorded_before("returned_at", before))
        .exclude(child_account="")
        .values("person_id")
        .annotate(at=Max("returned_at"))
    )
    return {r["person_id"]: r["at"] for r in rows if r["at"]}


@voice.source("return home interviews")
def interview_voice(person_ids: list[int], before: datetime | None = None) -> dict[int, datetime]:
    rows = (
        ReturnInterview.objects.filter(episode__person_id__in=person_ids, completed_at__isnull=False)
        .filter(**voice.recorded_before("completed_at", before))
        .exclude(child_words="")
        .values("episode__person_id")
        .annotate(at=Max("completed_at"))
    )
    return {r["episode__person_id"]: r["at"] for r in rows}
