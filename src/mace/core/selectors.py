from __future__ import annotations

from typing import Any

from .models import Notification


def unread_notifications(user: Any, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user_id=user.pk, read_at__isnull=True)[:limit])
