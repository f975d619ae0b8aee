from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("screening/new/", views.new, name="new"),
    path("screening/agreements/", views.agreements, name="agreements"),
    path("screening/tools/", views.tools, name="tools"),
    path("screening/tools/new/", views.tool_publish, name="tool-publish"),
    path("screening/<int:screening_id>/", views.detail, name="detail"),
    path("screening/<int:screening_id>/agreement/", views.agree, name="agree"),
]
