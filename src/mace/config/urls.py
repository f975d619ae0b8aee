from django.urls import include, path

from mace.api import api

urlpatterns = [
    path("", include("mace.core.urls")),
    path("", include("mace.accounts.urls")),
    path("", include("mace.people.urls")),
    path("", include("mace.frontdoor.urls")),
    path("api/v1/", api.urls),
]
