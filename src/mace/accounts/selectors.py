from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import Partnership, Role, User


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


def totp_device_for(user: User) -> tuple[Any, bool]:
    """The user's own authenticator device, creating an unconfirmed one to enrol. (device, enrolling)"""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )
    return device, True


def partnership_of(user: User) -> Partnership | None:
    """The partnership a user works for: their team's, else their agency's first."""
    if user.team_id and user.team and user.team.partnership_id:
        return user.team.partnership
    if user.agency_id and user.agency:
        return user.agency.partnerships.order_by("pk").first()
    return None


def users_for_admin(admin: User, q: str = "") -> QuerySet[User]:
    """The accounts an administrator manages: those of agencies serving the administrator's partnerships."""
    from mace.core.access import capabilities

    if not capabilities(admin).manage_users:
        return User.objects.none()
    partnerships = list(admin.agency.partnerships.values_list("pk", flat=True)) if admin.agency else []
    qs = User.objects.filter(Q(agency__partnerships__in=partnerships) | Q(agency__isnull=True)).distinct()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q))
    return (
        qs.select_related("team", "agency")
        .prefetch_related("role_assignments")
        .order_by("last_name", "username")
    )


def agency_partnership_ids(user: Any) -> list[int]:
    """The partnerships the reader's agency serves (a police force or a health trust serves several): the
    reach of their record-level work. None for a user with no agency."""
    if user.agency_id:
        return list(user.agency.partnerships.order_by("pk").values_list("pk", flat=True))
    return []


def figure_partnership_ids(user: Any) -> list[int]:
    """The partnerships whose figures this reader may see: every partnership in the deployment for an
    independent scrutineer, else the partnerships the reader's agency serves; none for a reader of no
    figures (neither partnership aggregates nor the morning list). Record-level scoping is elsewhere."""
    from mace.core.access import capabilities

    caps = capabilities(user)
    if not (caps.aggregates or caps.missing_list):
        return []
    if caps.all_partnerships:
        return list(Partnership.objects.order_by("pk").values_list("pk", flat=True))
    if user.agency_id:
        return list(user.agency.partnerships.order_by("pk").values_list("pk", flat=True))
    return []
