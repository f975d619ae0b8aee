from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from mace.core import home as home_panels
from mace.core.access import capabilities

from .selectors import unread_notifications


def home(request: HttpRequest) -> HttpResponse:
    """Each role opens on its own work: the children it works with, alerts, or partnership figures. The
    modules provide their parts of the page (core/home.py)."""
    user = request.user
    caps = capabilities(user)
    context = {
        "title": "Home",
        "notifications": unread_notifications(user),
        **home_panels.context_for(user, caps),
    }
    return render(request, "core/home.html", context)


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"title": "Accessibility statement"})
