from django.urls import path

from . import views

app_name = "improvement"
urlpatterns = [
    path("improvement/", views.plans, name="plans"),
    path("improvement/plans/<int:plan_id>/", views.plan, name="plan"),
    path("improvement/plans/<int:plan_id>/action-plan.xlsx", views.export, name="export"),
    path("improvement/plans/<int:plan_id>/review/", views.review, name="review"),
    path("improvement/plans/<int:plan_id>/monthly-review.pdf", views.review_pdf, name="review-pdf"),
    path("improvement/plans/<int:plan_id>/actions/<str:ref>/", views.action, name="action"),
    path("improvement/plans/<int:plan_id>/actions/<str:ref>/updates/", views.update, name="update"),
    path("improvement/plans/<int:plan_id>/actions/<str:ref>/owner/", views.owner, name="owner"),
    path("improvement/plans/<int:plan_id>/areas/<str:number>/", views.area, name="area"),
    path("improvement/plans/<int:plan_id>/areas/<str:number>/sign-off/", views.sign_off, name="sign-off"),
]

from .training.urls import urlpatterns as training_urlpatterns  # noqa: E402

urlpatterns += training_urlpatterns

from .governance.urls import urlpatterns as governance_urlpatterns  # noqa: E402

urlpatterns += governance_urlpatterns

from .thematic.urls import urlpatterns as thematic_urlpatterns  # noqa: E402

urlpatterns += thematic_urlpatterns

from .audits import urls as audits_urls  # noqa: E402
from .reviews import urls as reviews_urls  # noqa: E402

urlpatterns += audits_urls.urlpatterns + reviews_urls.urlpatterns
