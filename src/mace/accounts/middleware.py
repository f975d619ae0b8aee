"""Every page needs a signed-in user; outside demo mode, a second factor too."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Public pages, matched exactly: "/health" must not also open "/health/ed/…" to anyone. The forms are
# also listed without their slash, so that Django's redirect to the slashed address reaches them.
PUBLIC_PATHS = frozenset(
    {
        "/sign-in/",
        "/sign-in",
        "/health",
        "/favicon.ico",
        "/accessibility",
        "/report-a-concern/",
        "/report-a-concern",
    }
)
# Whole trees, always with the trailing slash so that "/api/" does not also match "/apiary".
PUBLIC_PREFIXES = ("/static/", "/assets/", "/api/")
TWO_FACTOR_PATHS = frozenset({"/two-factor/", "/sign-out/"})


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class SignInRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if is_public(path):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': path})}")
        verified = getattr(user, "is_verified", lambda: False)()
        if not settings.DEMO_MODE and not verified and path not in TWO_FACTOR_PATHS:
            return HttpResponseRedirect(reverse("accounts:two-factor"))
        return self.get_response(request)
