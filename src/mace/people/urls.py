from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/", views.search, name="search"),
    path("people/new/", views.create, name="create"),
    path("people/<int:person_id>/", views.detail, name="detail"),
    path("people/<int:person_id>/access-log/", views.access_log, name="access-log"),
    path("people/<int:person_id>/flags/new/", views.flag_new, name="flag-new"),
    path("people/<int:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("people/<int:person_id>/merge/", views.merge, name="merge"),
    path("people/merges/<int:merge_id>/undo/", views.merge_undo, name="merge-undo"),
    path("people/duplicates/", views.duplicates, name="duplicates"),
    path("people/duplicates/<int:pair_id>/dismiss/", views.duplicate_dismiss, name="duplicate-dismiss"),
    path("access/break-glass/", views.break_glass_queue, name="break-glass-queue"),
    path("access/break-glass/<int:grant_id>/", views.break_glass_review, name="break-glass-review"),
]
