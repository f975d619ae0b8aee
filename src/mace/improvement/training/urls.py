"""Training's routes, in the improvement namespace (added to improvement/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("improvement/training/", views.overview, name="training"),
    path("improvement/training/teams/", views.teams, name="training-teams"),
    path("improvement/training/teams/<int:team_id>/", views.team, name="training-team"),
    path(
        "improvement/training/teams/<int:team_id>/practitioners/",
        views.practitioners,
        name="training-practitioners",
    ),
    path(
        "improvement/training/teams/<int:team_id>/requirement/",
        views.requirement,
        name="training-requirement",
    ),
    path(
        "improvement/training/practitioners/<int:practitioner_id>/left/",
        views.practitioner_left,
        name="training-practitioner-left",
    ),
    path("improvement/training/courses/new/", views.course_new, name="training-course-new"),
    path("improvement/training/courses/<int:course_id>/", views.course, name="training-course"),
    path("improvement/training/courses/<int:course_id>/sessions/", views.schedule, name="training-schedule"),
    path("improvement/training/sessions/<int:session_id>/", views.session, name="training-session"),
    path(
        "improvement/training/sessions/<int:session_id>/attendance/",
        views.attendance,
        name="training-attendance",
    ),
    path("improvement/training/sessions/<int:session_id>/bookings/", views.book, name="training-book"),
    path("improvement/training/bookings/<int:booking_id>/", views.booking, name="training-booking"),
    path(
        "improvement/training/bookings/<int:booking_id>/evaluation/",
        views.evaluation,
        name="training-evaluation",
    ),
    path(
        "improvement/training/bookings/<int:booking_id>/follow-up/",
        views.follow_up,
        name="training-follow-up",
    ),
]
