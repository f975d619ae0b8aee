"""Password sign-in with lockout after repeated failures. Every attempt is in the access log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from mace.core import audit
from mace.core.models import AccessLogEntry

from .models import User


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        if user is None:
            User().set_password(password)  # same cost as a real check: no user enumeration by timing
            self._log_failure(None, username, "unknown user")
            return None
        if user.is_system:
            self._log_failure(user, username, "system accounts use API tokens")
            return None
        if user.locked_until and user.locked_until > now:
            self._log_failure(user, username, "locked")
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_sign_ins:
                User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
            return user
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_sign_ins=F("failed_sign_ins") + 1)
            user.refresh_from_db(fields=["failed_sign_ins"])
            if user.failed_sign_ins >= settings.MACE_LOCKOUT_FAILURES:
                User.objects.filter(pk=user.pk).update(
                    locked_until=now + timedelta(minutes=settings.MACE_LOCKOUT_MINUTES), failed_sign_ins=0
                )
            self._log_failure(user, username, "wrong password")
        return None

    @staticmethod
    def _log_failure(user: User | None, username: str, why: str) -> None:
        with transaction.atomic():
            audit.record(
                audit.Actor.system("sign-in"),
                audit.Event(
                    AccessLogEntry.Action.SIGN_IN_FAILED,
                    "user",
                    str(user.pk) if user else "",
                    detail={"username": username[:150], "why": why},
                ),
            )


def is_locked(username: str) -> bool:
    user = User.objects.filter(username=username).only("locked_until").first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())
