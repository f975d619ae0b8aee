from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Role, User


def break_glass_reviewers(partnership_id: int) -> QuerySet[User]:
    """Health safeguarding leads and administrators (privacy officers) serving this partnership."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.HEALTH_SAFEGUARDING_LEAD, Role.ADMINISTRATOR],
        )
        .filter(Q(agency__partnerships__id=partnership_id) | Q(agency__isnull=True))
        .distinct()
    )
