from django.urls import path

from . import views

# Included in improvement's urls (the `improvement` namespace).
urlpatterns = [
    path("improvement/reviews/", views.reviews, name="practice-reviews"),
    path("improvement/reviews/new/", views.review_new, name="practice-review-new"),
    path("improvement/reviews/<int:review_id>/", views.review, name="practice-review"),
    path(
        "improvement/reviews/<int:review_id>/<str:what>/",
        views.review_post,
        name="practice-review-post",
    ),
]
