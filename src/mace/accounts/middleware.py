"""Every page needs a signed-in user; outside demo mode, a second factor too."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

PUBLIC_PREFIXES = (
    "/sign-in",
    "/static/",
    "/assets/",
    "/api/",
    "/health",
    "/favicon.ico",
    "/accessibility",
    "/report-a-concern",
)
TWO_FACTOR_PREFIXES = ("/two-factor", "/sign-out")


class SignInRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': path})}")
        verified = getattr(user, "is_verified", lambda: False)()
        if not settings.DEMO_MODE and not verified and not path.startswith(TWO_FACTOR_PREFIXES):
            return HttpResponseRedirect(reverse("accounts:two-factor"))
        return self.get_response(request)
