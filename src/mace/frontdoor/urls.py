from django.urls import path

from . import views

app_name = "frontdoor"
urlpatterns = [
    path("front-door/", views.queue, name="queue"),
    path("front-door/contacts/", views.contact_list, name="contacts"),
    path("front-door/contacts/new/", views.contact_new, name="contact-new"),
    path("front-door/contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("front-door/contacts/<int:contact_id>/match/", views.contact_match, name="match"),
    path("front-door/contacts/<int:contact_id>/analysis/", views.contact_analyse, name="analyse"),
    path("front-door/contacts/<int:contact_id>/decision/", views.contact_decide, name="decide"),
    path("front-door/contacts/<int:contact_id>/approval/", views.contact_approve, name="approve"),
    path("front-door/contacts/<int:contact_id>/requests/", views.request_new, name="request-new"),
    path("front-door/requests/<int:request_id>/", views.request_respond, name="respond"),
    path("front-door/matching/", views.matching_list, name="matching"),
    path("front-door/meetings/daily/", views.daily_meeting, name="daily"),
    path("front-door/meetings/weekly/", views.weekly_meeting, name="weekly"),
    path(
        "front-door/meeting-actions/<int:action_id>/complete/",
        views.meeting_action_complete,
        name="action-complete",
    ),
    path("front-door/performance/", views.performance, name="performance"),
    path("report-a-concern/", views.report_concern, name="report"),
]
