"""Contextual safeguarding: a place or group assessed through the toolkit's steps in order, a context
conference chaired by a child protection chair, a versioned context plan and its reviews; who sees them."""

# shifted-clocks: pinned
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry
from mace.network import services
from mace.network.models import (
    ContextAssessment,
    ContextConference,
    ContextPlan,
    ContextPlanReview,
    ContextPlanVersion,
    Handling,
    Link,
)
from tests.factories import PersonFactory, UserFactory

from ..conftest import sign_in
from .conftest import NOW, TODAY, record

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    sign_in(c, user)
    return c


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


@pytest.fixture
def place(area: Any) -> Any:
    p = record(area, "place", "Kebab Palace", handling=Handling.PARTNERS, place_kind="takeaway")
    services.association_record(
        partnership=area.partnership,
        data=services.LinkIn(kind=Link.FOUND_AT, person=area.child, subject=p),
        by=area.officer,
    )
    return p


@pytest.fixture
def chair(area: Any) -> Any:
    return UserFactory(
        team=area.social_work,
        agency=area.social_work.agency,
        roles=[Role.TEAM_MANAGER],
        first_name="Priya",
        last_name="Shah",
    )


def _start(area: Any, subject: Any, by: Any = None) -> ContextAssessment:
    return services.context_start(
        subject=subject,
        data=services.TriggerIn("Children found at the takeaway late at night", TODAY - timedelta(days=20)),
        by=by or area.social_worker,
    )


def _scoped(area: Any, place: Any) -> ContextAssessment:
    a = _start(area, place)
    return services.context_scope(
        assessment=a,
        area="The takeaway and its car park",
        children=[area.child],
        by=area.social_worker,
        version=a.version,
    )


def _observed(area: Any, place: Any) -> ContextAssessment:
    a = _scoped(area, place)
    return services.context_observe(
        assessment=a,
        on=TODAY - timedelta(days=10),
        where="Car park, 10pm",
        what="Men in cars offering lifts",
        safety=[services.SafetyIn("The car park", "unsafe", "It is dark and men wait there")],
        by=area.social_worker,
        version=a.version,
    )


def _weighed(area: Any, place: Any) -> ContextAssessment:
    a = _observed(area, place)
    return services.context_weigh(
        assessment=a,
        contexts=[services.ContextIn("neighbourhood", "Dark car park", "Youth centre nearby")],
        judgement="A context of sexual exploitation after 9pm",
        by=area.social_worker,
        version=a.version,
    )


def _conference_in(chair: Any, **kw: Any) -> services.ConferenceIn:
    values: dict[str, Any] = {
        "held_on": TODAY - timedelta(days=5),
        "chair": chair,
        "attendees": [services.AttendeeIn("Sam Patel", "Licensing")],
        "discussion": "The car park has no lighting and the takeaway opens late.",
        "decisions": "Licensing review; lighting.",
    }
    values.update(kw)
    return services.ConferenceIn(**values)


def _conferenced(area: Any, place: Any, chair: Any) -> ContextAssessment:
    a = _weighed(area, place)
    services.context_conference(
        assessment=a, data=_conference_in(chair), by=area.social_worker, version=a.version
    )
    a.refresh_from_db()
    return a


def _plan_in(**kw: Any) -> services.ContextPlanIn:
    values: dict[str, Any] = {
        "summary": "Make the car park unsafe for exploiting adults",
        "review_on": TODAY + timedelta(days=60),
        "actions": [
            services.ContextActionIn(
                "Licensing review", "licensing", "Licensing team", TODAY + timedelta(days=20)
            )
        ],
    }
    values.update(kw)
    return services.ContextPlanIn(**values)


# Services: every step, in order ---------------------------------------------------------------------------


def test_the_steps_are_recorded_in_order_each_with_who_and_when(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    a.refresh_from_db()
    assert a.step == "plan"
    assert a.started_by_label and a.scoped_by_label and a.observed_by_label and a.weighed_by_label
    assert list(a.children.all()) == [area.child]
    assert a.safety_map[0]["feels"] == "unsafe" and "name" not in a.safety_map[0]
    conference = ContextConference.objects.get(assessment=a)
    assert conference.chair == chair and conference.chair_label == "Priya Shah"
    assert ContextPlan.objects.get(assessment=a).version == 1
    actions = {
        e.object_type
        for e in AccessLogEntry.objects.filter(actor=area.social_worker, action__in=["create", "update"])
    }
    assert {"network_context", "network_context_plan"} <= actions


@pytest.mark.parametrize("kind", ["adult", "vehicle", "online"])
def test_an_adult_vehicle_or_online_identity_is_not_assessed_as_a_context(area, kind) -> None:
    names = {"adult": "Darren Mole", "vehicle": "AB12 CDE", "online": "dreamboy"}
    subject = record(area, kind, names[kind], handling=Handling.PARTNERS, platform="Snapchat")
    with pytest.raises(ValidationError) as exc:
        _start(area, subject)
    assert "Only a place or a group" in exc.value.message_dict["__all__"][0]
    assert not ContextAssessment.objects.exists()


def test_a_proposed_group_must_be_adopted_before_it_is_assessed(area) -> None:
    group = record(area, "group", "Riverside boys", handling=Handling.PARTNERS)
    group.inferred = True
    group.save()
    with pytest.raises(ValidationError) as exc:
        _start(area, group)
    assert "Adopt the group" in exc.value.message_dict["__all__"][0]
    assert not ContextAssessment.objects.exists()


def test_a_trigger_in_the_future_is_refused(area, place) -> None:
    with pytest.raises(ValidationError) as exc:
        services.context_start(
            subject=place,
            data=services.TriggerIn("Concern", TODAY + timedelta(days=1)),
            by=area.social_worker,
        )
    assert "today or in the past" in exc.value.message_dict["triggered_on"][0]
    assert not ContextAssessment.objects.exists()


def test_weighing_before_any_observation_is_refused_and_nothing_changes(area, place) -> None:
    a = _scoped(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_weigh(
            assessment=a,
            contexts=[services.ContextIn("peer", "Harm", "")],
            judgement="J",
            by=area.social_worker,
            version=a.version,
        )
    assert "Record an observation before weighing" in exc.value.message_dict["__all__"][0]
    a.refresh_from_db()
    assert a.step == "scope" and a.contexts == []


def test_a_conference_before_the_contexts_are_weighed_is_refused(area, place, chair) -> None:
    a = _observed(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_conference(
            assessment=a, data=_conference_in(chair), by=area.social_worker, version=a.version
        )
    assert "the toolkit's steps go in order" in exc.value.message_dict["__all__"][0]
    assert not ContextConference.objects.exists()


def test_a_scope_naming_a_child_not_linked_to_the_place_is_refused(area, place) -> None:
    from tests.factories import PersonFactory

    stranger = PersonFactory(partnership=area.partnership)
    a = _start(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_scope(
            assessment=a, area="The takeaway", children=[stranger], by=area.social_worker, version=a.version
        )
    assert "linked to this place or group" in exc.value.message_dict["children"][0]
    assert not a.children.exists()


def test_a_stale_step_is_a_conflict_and_nothing_is_written(area, place) -> None:
    a = _start(area, place)
    with pytest.raises(Conflict):
        services.context_scope(
            assessment=a, area="Area", children=[area.child], by=area.social_worker, version=a.version + 1
        )
    a.refresh_from_db()
    assert a.step == "trigger" and not a.children.exists()


def test_safety_mapping_that_names_a_child_in_scope_is_refused(area, place) -> None:
    a = _scoped(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_observe(
            assessment=a,
            on=TODAY,
            where="Car park",
            what="Cars waiting",
            safety=[services.SafetyIn("The car park", "unsafe", "kayla said men wait there")],
            by=area.social_worker,
            version=a.version,
        )
    assert "without names" in exc.value.message_dict["safety_1"][0]
    a.refresh_from_db()
    assert a.safety_map == [] and a.observations == []


def test_a_conference_chaired_by_someone_who_is_not_a_child_protection_chair_is_refused(area, place) -> None:
    a = _weighed(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_conference(
            assessment=a, data=_conference_in(area.officer), by=area.social_worker, version=a.version
        )
    assert "child protection chair" in exc.value.message_dict["chair"][0]
    assert not ContextConference.objects.exists()


def test_a_conference_discussion_naming_a_child_in_scope_is_refused(area, place, chair) -> None:
    a = _weighed(area, place)
    with pytest.raises(ValidationError) as exc:
        services.context_conference(
            assessment=a,
            data=_conference_in(chair, discussion="Kayla Brookes was seen in the car park."),
            by=area.social_worker,
            version=a.version,
        )
    assert "not individuals" in exc.value.message_dict["discussion"][0]
    assert not ContextConference.objects.exists()


def test_a_plan_action_due_before_the_conference_is_refused(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    early = [services.ContextActionIn("Patrols", "police", "Neighbourhood team", TODAY - timedelta(days=6))]
    with pytest.raises(ValidationError) as exc:
        services.context_plan_save(
            assessment=a, data=_plan_in(actions=early), by=area.social_worker, version=0
        )
    assert "cannot be before the conference" in exc.value.message_dict["action_1"][0]
    assert not ContextPlan.objects.exists()


def test_a_plan_action_without_a_partner_kind_is_refused(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    bad = [services.ContextActionIn("Patrols", "the council", "Someone", TODAY + timedelta(days=6))]
    with pytest.raises(ValidationError) as exc:
        services.context_plan_save(assessment=a, data=_plan_in(actions=bad), by=area.social_worker, version=0)
    assert "choose the partner" in exc.value.message_dict["action_1"][0]


def test_the_plan_is_versioned_and_a_stale_save_is_a_conflict(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    second = services.context_plan_save(
        assessment=a,
        data=_plan_in(summary="Changed", reason="Lighting done"),
        by=area.social_worker,
        version=1,
    )
    assert second.number == 2
    with pytest.raises(Conflict):
        services.context_plan_save(
            assessment=a, data=_plan_in(summary="Stale", reason="Old form"), by=area.social_worker, version=1
        )
    with pytest.raises(Conflict):
        services.context_plan_save(
            assessment=a,
            data=_plan_in(summary="None", reason="No version"),
            by=area.social_worker,
            version=None,
        )
    assert list(ContextPlanVersion.objects.values_list("summary", flat=True).order_by("number")) == [
        "Make the car park unsafe for exploiting adults",
        "Changed",
    ]


def test_a_review_continues_with_the_next_review_date_or_closes_the_plan(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    plan = ContextPlan.objects.get(assessment=a)
    services.context_review(
        plan=plan,
        data=services.ContextReviewIn(
            TODAY,
            "Licensing, police",
            "Lighting installed",
            "unclear",
            "continue",
            TODAY + timedelta(days=90),
        ),
        by=area.social_worker,
    )
    plan.refresh_from_db()
    assert plan.review_on == TODAY + timedelta(days=90) and plan.status == "open"
    with pytest.raises(ValidationError) as exc:
        services.context_review(
            plan=plan,
            data=services.ContextReviewIn(TODAY, "Police", "Progress", "yes", "continue", None),
            by=area.social_worker,
        )
    assert "next_review_on" in exc.value.message_dict
    services.context_review(
        plan=plan,
        data=services.ContextReviewIn(TODAY, "Police", "Safer now", "yes", "close"),
        by=area.social_worker,
    )
    plan.refresh_from_db()
    assert plan.status == "closed" and ContextPlanReview.objects.count() == 2


def test_a_role_without_the_panel_capability_cannot_start_an_assessment(area, place) -> None:
    nurse = UserFactory(team=area.social_work, agency=area.social_work.agency, roles=[Role.ED_CLINICIAN])
    with pytest.raises(PermissionError):
        _start(area, place, by=nurse)
    assert not ContextAssessment.objects.exists()


def test_a_social_worker_cannot_assess_a_place_the_handling_code_withholds(area) -> None:
    hidden = record(area, "place", "Flat 4", handling=Handling.POLICE, place_kind="address")
    with pytest.raises(PermissionError):
        _start(area, hidden)
    assert not ContextAssessment.objects.exists()


# Access: social worker, police, executive ----------------------------------------------------------------


def test_a_social_worker_reads_the_assessment_and_each_child_in_scope_read_is_logged(area, place) -> None:
    a = _scoped(area, place)
    page = _client(area.social_worker).get(f"/network/context/{a.pk}/")
    assert page.status_code == 200 and "Kayla Brookes" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        actor=area.social_worker, action="view", object_type="person", person_id=area.child.pk
    ).exists()


def test_a_police_officer_reads_the_assessment(area, place) -> None:
    a = _scoped(area, place)
    assert _client(area.officer).get(f"/network/context/{a.pk}/").status_code == 200


def test_an_executive_sees_only_counts(area, place) -> None:
    a = _scoped(area, place)
    assert _client(area.executive).get(f"/network/context/{a.pk}/").status_code == 404
    listing = _client(area.executive).get("/network/context/").content.decode()
    assert "fewer than 5" in listing and "Kebab Palace" not in listing and "Kayla" not in listing


def test_a_police_only_place_is_withheld_from_a_social_worker_and_its_record_section_says_only_that(
    area,
) -> None:
    hidden = record(area, "place", "Flat 4 Marsh House", handling=Handling.POLICE, place_kind="address")
    services.association_record(
        partnership=area.partnership,
        data=services.LinkIn(kind=Link.FOUND_AT, person=area.child, subject=hidden),
        by=area.officer,
    )
    a = _start(area, hidden, by=area.officer)
    services.context_scope(
        assessment=a, area="The flat", children=[area.child], by=area.officer, version=a.version
    )
    assert _client(area.social_worker).get(f"/network/context/{a.pk}/").status_code == 404
    record_page = _client(area.social_worker).get(f"/people/{area.child.pk}/").content.decode()
    assert "A context assessment of a place or group your role does not see covers this child" in record_page
    assert "Flat 4 Marsh House" not in record_page


def test_the_childs_record_shows_the_context_plan_that_covers_them(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    page = _client(area.social_worker).get(f"/people/{area.child.pk}/").content.decode()
    assert "Context assessments covering the child" in page and "Kebab Palace" in page
    assert "60 days 13 hours left" in page


def test_an_overdue_context_plan_review_shows_how_long_it_is_overdue(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    with time_machine.travel(NOW + timedelta(days=63), tick=False):
        page = _client(area.social_worker).get(f"/network/context/{a.pk}/").content.decode()
    assert "overdue by 2 days" in page


# Views ---------------------------------------------------------------------------------------------------


def test_the_steps_pages_walk_from_the_trigger_to_the_plan(area, place, chair) -> None:
    c = _client(area.social_worker)
    d = TODAY - timedelta(days=3)
    day = {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
    r = c.post(
        f"/network/subjects/{place.pk}/context/new/",
        {"trigger": "Found there", **{f"triggered_on_{k}": v for k, v in day.items()}},
    )
    a = ContextAssessment.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/network/context/{a.pk}/scope/")
    assert c.get(f"/network/context/{a.pk}/scope/").status_code == 200
    c.post(
        f"/network/context/{a.pk}/scope/",
        {"version": "1", "area": "Car park", "children": [str(area.child.pk)]},
    )
    c.post(
        f"/network/context/{a.pk}/observation/",
        {
            "version": "2",
            "where": "Car park",
            "what": "Cars waiting",
            "safety_place_1": "Youth centre",
            "safety_feels_1": "safe",
            "safety_why_1": "Staff know us",
            "then": "weigh",
            **{f"on_{k}": v for k, v in day.items()},
        },
    )
    c.post(
        f"/network/context/{a.pk}/weighing/",
        {"version": "3", "harm_peer": "Older girls recruit", "judgement": "A risky context"},
    )
    c.post(
        f"/network/context/{a.pk}/conference/",
        {
            "version": "4",
            "chair": str(chair.pk),
            "attendees": "Sam Patel, Licensing\nJo Reed, Police",
            "discussion": "Late opening",
            "decisions": "Review the licence",
            **{f"held_on_{k}": v for k, v in day.items()},
        },
    )
    assert c.get(f"/network/context/{a.pk}/plan/").status_code == 200
    due_on = TODAY + timedelta(days=10)
    review = TODAY + timedelta(days=80)
    r = c.post(
        f"/network/context/{a.pk}/plan/",
        {
            "version": "0",
            "rows": "2",
            "summary": "Safer car park",
            "action_text_1": "Licence review",
            "action_partner_1": "licensing",
            "action_owner_1": "Licensing team",
            "action_due_1_day": str(due_on.day),
            "action_due_1_month": str(due_on.month),
            "action_due_1_year": str(due_on.year),
            "review_on_day": str(review.day),
            "review_on_month": str(review.month),
            "review_on_year": str(review.year),
        },
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.step == "plan" and a.plan.version == 1
    assert ContextConference.objects.get().attendees[1] == {"name": "Jo Reed", "agency": "Police"}
    page = c.get(f"/network/context/{a.pk}/").content.decode()
    assert "Licence review" in page and "Priya Shah" in page


def test_a_stale_plan_form_gets_the_conflict_page(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    services.context_plan_save(assessment=a, data=_plan_in(), by=area.social_worker, version=0)
    r = _client(area.social_worker).post(
        f"/network/context/{a.pk}/plan/", {"version": "0", "rows": "0", "summary": "Mine"}
    )
    assert r.status_code == 409 and "Someone else changed" in r.content.decode()
    assert ContextPlanVersion.objects.count() == 1


def test_adopting_a_group_can_go_straight_to_a_context_assessment(area) -> None:
    group = record(area, "group", "Riverside boys", handling=Handling.PARTNERS)
    group.inferred = True
    group.save()
    r = _client(area.social_worker).post(
        f"/network/subjects/{group.pk}/adopt/", {"version": str(group.version), "then": "context"}
    )
    assert r.status_code == 302 and r["Location"].endswith(f"/network/subjects/{group.pk}/context/new/")


# API -----------------------------------------------------------------------------------------------------


def test_the_api_starts_an_assessment_and_refuses_an_adult(area, place) -> None:
    adult = record(area, handling=Handling.PARTNERS)
    body = {"trigger": "Found there", "triggered_on": str(TODAY)}
    refused = _api(area.social_worker).post(
        f"/api/v1/network/subjects/{adult.pk}/context-assessments", body, content_type="application/json"
    )
    assert refused.status_code == 422 and not ContextAssessment.objects.exists()
    made = _api(area.social_worker).post(
        f"/api/v1/network/subjects/{place.pk}/context-assessments", body, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["step"] == "trigger"


def test_the_api_plan_put_answers_409_on_a_stale_version(area, place, chair) -> None:
    a = _conferenced(area, place, chair)
    body = {
        "version": 0,
        "summary": "Safer car park",
        "review_on": str(TODAY + timedelta(days=60)),
        "actions": [
            {
                "text": "Licence review",
                "partner": "licensing",
                "owner": "Licensing",
                "due": str(TODAY + timedelta(days=9)),
            }
        ],
    }
    ok = _api(area.social_worker).put(
        f"/api/v1/network/context-assessments/{a.pk}/plan", body, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["plan_version"] == 1
    stale = _api(area.social_worker).put(
        f"/api/v1/network/context-assessments/{a.pk}/plan", body, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert ContextPlanVersion.objects.count() == 1


def test_the_api_hides_an_assessment_from_an_executive(area, place) -> None:
    a = _scoped(area, place)
    assert _api(area.executive).get(f"/api/v1/network/context-assessments/{a.pk}").status_code == 404
    assert _api(area.executive).get("/api/v1/network/context-assessments").json() == []


def _put(user: Any, path: str, body: dict[str, Any], method: str = "put") -> Any:
    return getattr(_api(user), method)(
        f"/api/v1/network/context-assessments/{path}", body, content_type="application/json"
    )


def test_the_api_walks_every_step_from_scope_to_a_reviewed_plan(area, place, chair) -> None:
    a = _start(area, place)
    worker = area.social_worker
    scoped = _put(
        worker, f"{a.pk}/scope", {"version": 1, "area": "The car park", "children": [area.child.pk]}
    )
    assert scoped.status_code == 200 and scoped.json()["step"] == "scope"
    assert scoped.json()["children_in_scope"] == 1
    observed = _put(
        worker,
        f"{a.pk}/observations",
        {
            "version": scoped.json()["version"],
            "on": str(TODAY - timedelta(days=3)),
            "where": "Car park, 10pm",
            "what": "Men in cars offering lifts",
            "safety": [{"place": "The car park", "feels": "unsafe", "why": "It is dark"}],
        },
        method="post",
    )
    assert observed.status_code == 200 and observed.json()["step"] == "observation"
    weighed = _put(
        worker,
        f"{a.pk}/weighing",
        {
            "version": observed.json()["version"],
            "contexts": [{"context": "neighbourhood", "harm": "Dark car park", "protective": "Youth centre"}],
            "judgement": "Sexual exploitation after 9pm",
        },
    )
    assert weighed.status_code == 200 and weighed.json()["step"] == "weighing"
    conferenced = _put(
        worker,
        f"{a.pk}/conference",
        {
            "version": weighed.json()["version"],
            "held_on": str(TODAY - timedelta(days=1)),
            "chair_id": chair.pk,
            "attendees": [{"name": "Sam Patel", "agency": "Licensing"}],
            "discussion": "The car park has no lighting.",
            "decisions": "Licensing review.",
        },
        method="post",
    )
    assert conferenced.status_code == 200 and conferenced.json()["step"] == "conference"
    plan = {
        "version": 0,
        "summary": "Safer car park",
        "review_on": str(TODAY + timedelta(days=60)),
        "actions": [{"text": "Lighting", "partner": "licensing", "owner": "Licensing", "due": str(TODAY)}],
    }
    assert _put(worker, f"{a.pk}/plan", plan).status_code == 200
    reviewed = _put(
        worker,
        f"{a.pk}/plan/reviews",
        {
            "held_on": str(TODAY),
            "attendees": "Sam Patel, Licensing",
            "progress": "Lights fitted",
            "safer": "yes",
            "decision": "continue",
            "next_review_on": str(TODAY + timedelta(days=90)),
        },
        method="post",
    )
    assert reviewed.status_code == 200, reviewed.content
    assert ContextPlanReview.objects.get().progress == "Lights fitted"
    assert reviewed.json()["review_on"] == str(TODAY + timedelta(days=90))


def test_the_api_refuses_a_scope_naming_a_child_not_linked_and_writes_nothing(area, place) -> None:
    a = _start(area, place)
    stranger = PersonFactory(partnership=area.partnership)
    refused = _put(
        area.social_worker, f"{a.pk}/scope", {"version": 1, "area": "X", "children": [stranger.pk]}
    )
    assert refused.status_code == 422
    a.refresh_from_db()
    assert a.step == "trigger" and not a.children.exists()


def test_the_api_refuses_a_conference_chaired_by_someone_who_is_not_a_chair(area, place) -> None:
    a = _weighed(area, place)
    refused = _put(
        area.social_worker,
        f"{a.pk}/conference",
        {
            "version": a.version,
            "held_on": str(TODAY),
            "chair_id": area.social_worker.pk,
            "attendees": [{"name": "Sam Patel", "agency": "Licensing"}],
            "discussion": "The car park.",
            "decisions": "Lighting.",
        },
        method="post",
    )
    assert refused.status_code == 422 and "chair" in refused.content.decode().lower()
    a.refresh_from_db()
    assert a.step == "weighing" and not ContextConference.objects.exists()


def test_the_api_step_with_a_stale_version_is_a_conflict(area, place) -> None:
    a = _scoped(area, place)
    stale = _put(
        area.social_worker,
        f"{a.pk}/weighing",
        {"version": 1, "contexts": [{"context": "peer", "harm": "x", "protective": "y"}], "judgement": "z"},
    )
    assert stale.status_code == 409
    a.refresh_from_db()
    assert a.step == "scope"
