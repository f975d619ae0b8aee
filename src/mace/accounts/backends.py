"""Password sign-in with lockout after repeated failures. Every attempt is in the access log.

Failures are counted per username string (`SignInThrottle`), known or not, so that an unknown name
fails, locks and reads exactly like a real one: the sign-in page cannot be used to find accounts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mace.core import audit
from mace.core.models import AccessLogEntry

from .models import SignInThrottle, User

USERNAME_LENGTH = 150


def _window() -> timedelta:
    return timedelta(minutes=settings.MACE_LOCKOUT_MINUTES)


def _key(username: str) -> str:
    return username[:USERNAME_LENGTH]


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
        now = timezone.now()
        if is_locked(username, now=now):
            self._log_failure(None, username, "locked")
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no user enumeration by timing
            self._fail(None, username, "unknown user", now)
            return None
        if user.is_system:
            self._fail(user, username, "system accounts use API tokens", now)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            SignInThrottle.objects.filter(username=_key(username)).delete()
            return user
        self._fail(user, username, "wrong password", now)
        return None

    def _fail(self, user: User | None, username: str, why: str, now: datetime) -> None:
        record_failure(username, now=now)
        self._log_failure(user, username, why)

    @staticmethod
    def _log_failure(user: User | None, username: str, why: str) -> None:
        with transaction.atomic():
            audit.record(
                audit.Actor.system("sign-in"),
                audit.Event(
                    AccessLogEntry.Action.SIGN_IN_FAILED,
                    "user",
                    str(user.pk) if user else "",
                    detail={"username": username[:USERNAME_LENGTH], "why": why},
                ),
            )


def record_failure(username: str, *, now: datetime) -> SignInThrottle:
    """Count one failure for this username; the count-th failure within the window locks it for the window."""
    with transaction.atomic():
        throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(username=_key(username))
        if throttle.window_started is None or now - throttle.window_started >= _window():
            throttle.window_started, throttle.failures = now, 0
        throttle.failures += 1
        if throttle.failures >= settings.MACE_LOCKOUT_FAILURES:
            throttle.locked_until = now + _window()
            throttle.window_started, throttle.failures = None, 0
        throttle.save()
    return throttle


def is_locked(username: str, *, now: datetime | None = None) -> bool:
    locked_until = (
        SignInThrottle.objects.filter(username=_key(username)).values_list("locked_until", flat=True).first()
    )
    return bool(locked_until and locked_until > (now or timezone.now()))
