from django.urls import path

from . import pack_views, profile_views, views

app_name = "oversight"
urlpatterns = [
    path("oversight/", views.landing, name="landing"),
    path("oversight/scorecard/", views.scorecard_page, name="scorecard"),
    path("oversight/exceptions/", views.exceptions, name="exceptions"),
    path("oversight/impact/", views.impact_page, name="impact"),
    path("oversight/measures/<slug:code>/", views.measure, name="measure"),
    path("oversight/measures/<slug:code>/commentary/", views.commentary, name="commentary"),
    path("oversight/board-pack/", pack_views.board_pack, name="pack"),
    path("oversight/profile/", profile_views.profile_page, name="profile"),
    path("oversight/profile/gaps/<slug:code>/", profile_views.gap_children, name="profile-gap"),
]
