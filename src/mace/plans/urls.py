from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.my_plans, name="mine"),
    path("plans/children/<int:person_id>/", views.plan, name="plan"),
    path("plans/children/<int:person_id>/edit/", views.edit, name="edit"),
    path("plans/children/<int:person_id>/versions/<int:number>/", views.version, name="version"),
    path("plans/children/<int:person_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("plans/children/<int:person_id>/reviews/new/", views.review, name="review"),
]
