"""The morning list shared at 08:00, and the worker's tick for the missing module."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.models import Partnership, User
from mace.core import clocks

from ..models import (
    MissingEpisode,
    MorningList,
)
from ._common import MORNING_LIST_HOUR
from .episodes import _notify
from .strategy import _police_users, require_strategy_meetings


def share_morning_list(now: datetime | None = None) -> int:
    """At 08:00 every day, share the children missing now with the partnership (2.1c). Once a day."""
    now = now or timezone.now()
    local = now.astimezone(clocks.LONDON)
    if local.hour < MORNING_LIST_HOUR:
        return 0
    shared = 0
    for partnership in Partnership.objects.all():
        if MorningList.objects.filter(partnership=partnership, shared_on=local.date()).exists():
            continue
        ids = list(
            MissingEpisode.objects.filter(partnership=partnership, status=MissingEpisode.Status.MISSING)
            .order_by("last_seen_at")
            .values_list("pk", flat=True)
        )
        recipients = sorted(
            set(
                User.objects.filter(
                    is_active=True, team__partnership=partnership, team__front_door=True
                ).values_list("pk", flat=True)
            )
            | set(_police_users(partnership.pk))
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    MorningList.objects.create(
                        partnership=partnership,
                        shared_on=local.date(),
                        shared_at=now,
                        episode_ids=ids,
                        recipients=len(recipients),
                    )
            except IntegrityError:
                continue
            _notify(
                recipients,
                f"Children missing this morning: {len(ids)}",
                f"The {partnership.name} morning list for {local:%A %d %B}.",
                "/missing/",
            )
        shared += 1
    return shared


def tick(now: datetime | None = None) -> dict[str, int]:
    return {
        "strategy_required": require_strategy_meetings(now),
        "morning_lists": share_morning_list(now),
    }
