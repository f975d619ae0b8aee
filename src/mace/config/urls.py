from django.urls import include, path

from mace.api import api

urlpatterns = [
    path("", include("mace.core.urls")),
    path("", include("mace.accounts.urls")),
    path("", include("mace.people.urls")),
    path("", include("mace.frontdoor.urls")),
    path("", include("mace.missing.urls")),
    path("", include("mace.meetings.urls")),
    path("", include("mace.screening.urls")),
    path("", include("mace.health.urls")),
    path("", include("mace.plans.urls")),
    path("", include("mace.casework.urls")),
    path("", include("mace.oversight.urls")),
    path("", include("mace.exports.urls")),
    path("", include("mace.improvement.urls")),
    path("", include("mace.network.urls")),
    path("api/v1/", api.urls),
]
