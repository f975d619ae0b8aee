from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("exports/", views.index, name="index"),
    path("exports/mappings/", views.mappings_page, name="mappings"),
    path("exports/runs/<int:run_id>/", views.run_page, name="run"),
    path("exports/runs/<int:run_id>/problems/", views.problems_page, name="problems"),
    path("exports/runs/<int:run_id>/download/", views.download, name="download"),
]
