from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from mace.core.access import capabilities
from mace.people.selectors import my_caseload, partnership_figures

from .selectors import unread_notifications


def home(request: HttpRequest) -> HttpResponse:
    """Each role opens on its own work: the children it works with, alerts, or partnership figures."""
    from mace.casework.selectors import home_summary as casework_summary
    from mace.frontdoor.selectors import QueueFilters, front_door_queue, open_tasks, todays_contacts_for_team
    from mace.health.selectors import work_waiting
    from mace.meetings.selectors import home_summary as meetings_summary
    from mace.missing.selectors import home_summary as missing_summary

    user = request.user
    caps = capabilities(user)
    context = {
        "todays_contacts": todays_contacts_for_team(user) if caps.records else [],
        "tasks": open_tasks(user) if caps.records else [],
        "queue_total": front_door_queue(user, QueueFilters())[1] if caps.front_door else None,
        "title": "Home",
        "caps": caps,
        "notifications": unread_notifications(user),
        "caseload": my_caseload(user) if caps.records else [],
        "figures": partnership_figures(user) if caps.aggregates else None,
        "waiting": work_waiting(user),
        "missing_summary": missing_summary(user),
        "meetings_summary": meetings_summary(user),
        "casework": casework_summary(user),
    }
    return render(request, "core/home.html", context)


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"title": "Accessibility statement"})
