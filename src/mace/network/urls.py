from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("network/", views.index, name="index"),
    path("network/subjects/new/", views.subject_new, name="subject-new"),
    path("network/subjects/<int:subject_id>/", views.subject, name="subject"),
    path("network/subjects/<int:subject_id>/network.jsonl", views.subject_export, name="subject-export"),
    path("network/subjects/<int:subject_id>/links/new/", views.link_new, name="link-new"),
    path("network/subjects/<int:subject_id>/adopt/", views.adopt, name="adopt"),
    path("network/subjects/<int:subject_id>/merge/", views.subject_merge, name="subject-merge"),
    path("network/merges/<int:merge_id>/undo/", views.merge_undo, name="merge-undo"),
    path("network/subjects/<int:subject_id>/disruptions/new/", views.disruption_new, name="disruption-new"),
    path("network/disruptions/<int:disruption_id>/", views.disruption, name="disruption"),
    path("network/proposals/", views.proposals, name="proposals"),
    path("network/proposals/<int:proposal_id>/", views.proposal_decide, name="proposal"),
    path("network/children/<int:person_id>/", views.child, name="child"),
    path("network/children/<int:person_id>/network.jsonl", views.child_export, name="child-export"),
    path("network/children/<int:person_id>/nrm/new/", views.nrm_new, name="nrm-new"),
    path("network/nrm/<int:referral_id>/", views.nrm, name="nrm"),
    path("network/subjects/<int:subject_id>/context/new/", views.context_new, name="context-new"),
    path("network/context/", views.context_list, name="contexts"),
    path("network/context/<int:assessment_id>/", views.context, name="context"),
    path("network/context/<int:assessment_id>/scope/", views.context_scope, name="context-scope"),
    path(
        "network/context/<int:assessment_id>/observation/",
        views.context_observation,
        name="context-observation",
    ),
    path("network/context/<int:assessment_id>/weighing/", views.context_weighing, name="context-weighing"),
    path(
        "network/context/<int:assessment_id>/conference/", views.context_conference, name="context-conference"
    ),
    path("network/context/<int:assessment_id>/plan/", views.context_plan, name="context-plan"),
    path("network/context/<int:assessment_id>/reviews/new/", views.context_review, name="context-review"),
]
