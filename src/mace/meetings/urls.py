from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/minutes/", views.compliance, name="compliance"),
    path("meetings/rota/", views.rota, name="rota"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/held/", views.meeting_hold, name="hold"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/share/", views.share, name="share"),
    path("meetings/<int:meeting_id>/actions/", views.action_add, name="action-add"),
    path("meetings/actions/<int:action_id>/complete/", views.action_complete, name="action-complete"),
]
