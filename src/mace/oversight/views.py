"""Pages for leaders: parse the request, ask the selectors, render. Every page here is open only to roles
with partnership figures (`aggregates`), and formats its counts through `disclosure`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mace.core.access import capabilities


def require_figures(request: HttpRequest) -> None:
    if not capabilities(request.user).aggregates:
        raise Http404("Not found")


def landing(request: HttpRequest) -> HttpResponse:
    require_figures(request)
    return render(request, "oversight/landing.html", {"title": "Oversight"})
