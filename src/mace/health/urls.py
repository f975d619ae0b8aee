from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("health/ed/", views.attendances, name="attendances"),
    path("health/ed/attendances/new/", views.attendance_new, name="attendance-new"),
    path("health/ed/attendances/<int:attendance_id>/", views.attendance_detail, name="attendance"),
    path(
        "health/ed/attendances/<int:attendance_id>/discharge/",
        views.attendance_discharge,
        name="discharge",
    ),
    path(
        "health/ed/attendances/<int:attendance_id>/screening/",
        views.attendance_screening,
        name="screening",
    ),
    path("health/discharge-reviews/", views.review_queue, name="reviews"),
    path("health/discharge-reviews/<int:attendance_id>/", views.review, name="review"),
    path("health/ed-audits/", views.audits, name="audits"),
    path("health/ed-audits/<int:audit_id>/", views.audit_detail, name="audit"),
    path("health/children/<int:person_id>/assessment-waits/new/", views.wait_new, name="wait-new"),
    path(
        "health/children/<int:person_id>/assessment-waits/<int:wait_id>/outcome/",
        views.wait_outcome,
        name="wait-outcome",
    ),
]
