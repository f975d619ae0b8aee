from django.urls import path

from . import pack_views, views

app_name = "oversight"
urlpatterns = [
    path("oversight/", views.landing, name="landing"),
    path("oversight/board-pack/", pack_views.board_pack, name="board-pack"),
]
