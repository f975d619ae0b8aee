from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("accounts/", views.users, name="users"),
    path("accounts/<int:user_id>/", views.user_edit, name="user-edit"),
]
