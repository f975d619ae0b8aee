from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("casework/children/<int:person_id>/", views.child, name="child"),
    path("casework/children/<int:person_id>/visits/new/", views.visit_new, name="visit-new"),
    path("casework/children/<int:person_id>/supervision/new/", views.supervision_new, name="supervision-new"),
    path("casework/children/<int:person_id>/timetable/", views.timetable, name="timetable"),
    path("casework/children/<int:person_id>/timetable/sessions/new/", views.session_new, name="session-new"),
    path(
        "casework/children/<int:person_id>/timetable/sessions/<int:session_id>/end/",
        views.session_end,
        name="session-end",
    ),
    path(
        "casework/children/<int:person_id>/timetable/placements/new/",
        views.placement_new,
        name="placement-new",
    ),
    path("casework/children/<int:person_id>/timetable/weeks/<str:week_starting>/", views.week, name="week"),
    path("casework/supervision/", views.supervision_overview, name="supervision"),
    path("casework/caseloads/", views.caseloads, name="caseloads"),
]
