"""For an allocated child: hearing the child in their own words again, within the voice standard (1.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse

from mace.core import due, voice
from mace.core.ui import uk_date
from mace.people.models import Involvement


@due.source("the child's voice")
def voice_due(person: Any) -> list[due.Due]:
    allocation = (
        Involvement.objects.filter(person=person, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True)
        .order_by("started_at")
        .first()
    )
    if allocation is None:
        return []
    heard = voice.last_heard([person.pk]).get(person.pk)
    since = heard[0] if heard else allocation.started_at
    detail = f"Last heard {uk_date(heard[0])}, in {heard[1]}" if heard else "Not heard in their own words yet"
    return [
        due.Due(
            "Hear the child in their own words",
            since + timedelta(days=settings.MACE_VOICE_DAYS),
            detail,
            reverse("casework:child", args=[person.pk]),
        )
    ]


@due.source("case supervision")
def supervision_due(person: Any) -> list[due.Due]:
    """For an allocated child: the next case supervision, as the last one set it (or a fixed number of
    working days after allocation when there has been none)."""
    from mace.core.ui import uk_date as _uk_date

    from .figures import supervision_due as due_on
    from .models import Supervision

    allocation = (
        Involvement.objects.filter(person=person, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True)
        .order_by("started_at")
        .first()
    )
    if allocation is None:
        return []
    last = Supervision.objects.filter(person=person).order_by("-held_on", "-pk").first()
    if last is not None:
        when, detail = last.next_due_on, f"Last supervised {_uk_date(last.held_on)}"
    else:
        when = due_on(allocation.started_at.date(), None, settings.MACE_SUPERVISION_WORKING_DAYS)
        detail = "Not yet supervised since allocation"
    return [
        due.Due(
            "Case supervision",
            due.end_of_day(when),
            detail,
            reverse("casework:child", args=[person.pk]),
            all_day=True,
        )
    ]
