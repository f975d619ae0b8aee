"""Thematic report routes, in the improvement namespace (added to improvement/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("improvement/thematic/", views.index, name="thematic"),
    path("improvement/thematic/<slug:code>/", views.report, name="thematic-report"),
    path("improvement/thematic/<slug:code>/report.pdf", views.report_pdf, name="thematic-pdf"),
]
