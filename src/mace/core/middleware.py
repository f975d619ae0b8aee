from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """A strict content security policy: pages run only the project's own scripts, plus the one
    inline line of the GOV.UK template, allowed by a per-request nonce."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/docs"):
            response.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                f"script-src 'self' 'nonce-{nonce}'; "
                "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
            )
        response.setdefault("Cache-Control", "no-store")
        return response
