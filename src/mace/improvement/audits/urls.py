from django.urls import path

from . import views

# Included in improvement's urls (the `improvement` namespace).
urlpatterns = [
    path("improvement/audits/", views.audits, name="audits"),
    path("improvement/audits/new/", views.audit_new, name="audit-new"),
    path("improvement/audits/programme/", views.programme_new, name="audit-programme"),
    path("improvement/audits/programme/<int:programme_id>/", views.programme, name="audit-programme-page"),
    path(
        "improvement/audits/programme/<int:programme_id>/edit/",
        views.programme_edit,
        name="audit-programme-edit",
    ),
    path("improvement/audits/<int:audit_id>/", views.audit, name="audit"),
    path("improvement/audits/<int:audit_id>/assign/", views.assign, name="audit-assign"),
    path("improvement/audits/<int:audit_id>/learning/", views.learning, name="audit-learning"),
    path("improvement/audits/<int:audit_id>/records/<int:record_id>/", views.record, name="audit-record"),
    path(
        "improvement/audits/<int:audit_id>/records/<int:record_id>/assign/",
        views.record_assign,
        name="audit-record-assign",
    ),
    path("improvement/audits/ed/<int:old_id>/", views.folded, name="audit-folded"),
]
