"""Account changes. Anything that changes what a user may do ends their sessions (security stamp)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mace.core import audit
from mace.core import services as core_services
from mace.core.models import AccessLogEntry

from .actors import By
from .models import ApiToken, Role, RoleAssignment, User

TOKEN_PREFIX_LENGTH = 8


_actor = core_services.actor


def user_set_roles(*, user: User, roles: list[str], by: By) -> User:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
        existing = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=r) for r in roles if r not in existing
        )
        user.security_stamp = uuid.uuid4()
        user.save(update_fields=["security_stamp"])
        user.__dict__.pop("_role_codes", None)
        audit.record(
            _actor(by),
            audit.Event(AccessLogEntry.Action.ADMIN, "user", str(user.pk), detail={"roles": roles}),
        )
    return user


def user_disable(*, user: User, reason: str, by: By) -> User:
    with transaction.atomic():
        user.is_active = False
        user.security_stamp = uuid.uuid4()
        user.save(update_fields=["is_active", "security_stamp"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            _actor(by), audit.Event(AccessLogEntry.Action.ADMIN, "user", str(user.pk), reason=reason)
        )
    return user


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


def token_create(*, user: User, name: str = "", expires_at: datetime | None = None, by: By) -> IssuedToken:
    """A new bearer token; the raw value exists only in the return value."""
    raw = f"mace_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[5 : 5 + TOKEN_PREFIX_LENGTH],
            token_hash=hash_token(raw),
            expires_at=expires_at,
        )
        audit.record(_actor(by), audit.Event(AccessLogEntry.Action.ADMIN, "api_token", str(token.pk)))
    return IssuedToken(token=token, raw=raw)


def token_authenticate(raw: str) -> User | None:
    if not raw.startswith("mace_"):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
