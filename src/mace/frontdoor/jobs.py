"""Periodic front door work, run by `mace worker` every minute."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mace.accounts.models import Role, User
from mace.core.models import Notification

from .models import Contact

ESCALATE_AT = 0.8  # of the 24-hour review window used: escalate before the breach, not after


def escalate_before_breach(now: datetime | None = None) -> int:
    """Tell the front door managers about every open contact that is about to breach (or has)."""
    now = now or timezone.now()
    candidates = Contact.objects.exclude(status=Contact.Status.CLOSED).filter(escalated_at__isnull=True)
    due = [
        c
        for c in candidates.select_related("partnership").only(
            "pk", "received_at", "review_due_at", "partnership_id", "kind", "subject", "person_id"
        )
        if now >= c.received_at + (c.review_due_at - c.received_at) * ESCALATE_AT
    ]
    with transaction.atomic():
        for contact in due:
            managers = User.objects.filter(
                is_active=True,
                team__partnership_id=contact.partnership_id,
                team__front_door=True,
                role_assignments__role=Role.FRONT_DOOR_MANAGER,
            ).distinct()
            left = contact.review_due_at - now
            state = (
                "overdue" if left.total_seconds() < 0 else f"due in {int(left.total_seconds() // 60)} minutes"
            )
            Notification.objects.bulk_create(
                Notification(
                    user=m,
                    title=f"Contact {contact.pk} review {state}",
                    body=f"{contact.get_kind_display()} about {contact.subject_name}",
                    link=f"/front-door/contacts/{contact.pk}/",
                )
                for m in managers
            )
        Contact.objects.filter(pk__in=[c.pk for c in due]).update(escalated_at=now, version=F("version") + 1)
    return len(due)


def tick(now: datetime | None = None) -> dict[str, int]:
    return {"escalated": escalate_before_breach(now)}
