"""Open statutory work a front door decision started (the visit, the assessment) is due for the child."""

from __future__ import annotations

from typing import Any

from mace.core import due

from .models import Task


@due.source("front door tasks")
def open_tasks(person: Any) -> list[due.Due]:
    tasks = Task.objects.filter(person=person, completed_at__isnull=True).select_related("team")
    return [due.Due(t.get_kind_display(), t.due_at, f"Allocated to {t.team.name}") for t in tasks]
