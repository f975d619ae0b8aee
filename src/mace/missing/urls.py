from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("missing/", views.missing_now, name="now"),
    path("missing/report/", views.report, name="report"),
    path("missing/episodes/<int:episode_id>/", views.episode, name="episode"),
    path("missing/episodes/<int:episode_id>/update/", views.episode_update, name="update"),
    path("missing/episodes/<int:episode_id>/return/", views.episode_return, name="return"),
    path("missing/episodes/<int:episode_id>/strategy/", views.strategy_held, name="strategy"),
    path("missing/episodes/<int:episode_id>/identify/", views.identify, name="identify"),
    path("missing/identify/", views.identify_list, name="identify-list"),
    path("missing/interviews/", views.interviews, name="interviews"),
    path("missing/interviews/<int:interview_id>/", views.interview, name="interview"),
    path("missing/children/<int:person_id>/", views.child_history, name="history"),
    path("missing/children/<int:person_id>/trigger-plan/", views.trigger_plan, name="trigger-plan"),
    path(
        "missing/children/<int:person_id>/trigger-plan/edit/",
        views.trigger_plan_edit,
        name="trigger-plan-edit",
    ),
    path(
        "missing/children/<int:person_id>/trigger-plan/end/", views.trigger_plan_end, name="trigger-plan-end"
    ),
    path("missing/workload/", views.workload, name="workload"),
    path("missing/patterns/", views.patterns, name="patterns"),
    path("missing/reports/monthly/", views.monthly, name="monthly"),
    path("missing/reports/drivers/", views.drivers, name="drivers"),
    path("missing/reports/drivers.pdf", views.drivers_pdf, name="drivers-pdf"),
]
