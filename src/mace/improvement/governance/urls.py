"""Governance routes, in the improvement namespace (added to improvement/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("improvement/governance/", views.index, name="governance"),
    path("improvement/governance/lead-professionals/", views.lead_set, name="governance-lead"),
    path("improvement/governance/meetings/", views.meeting_new, name="governance-meeting-new"),
    path("improvement/governance/meetings/<int:meeting_id>/", views.meeting, name="governance-meeting"),
    path(
        "improvement/governance/meetings/<int:meeting_id>/attendance/",
        views.attendance,
        name="governance-attendance",
    ),
    path(
        "improvement/governance/meetings/<int:meeting_id>/decisions/",
        views.decision,
        name="governance-decision",
    ),
]
