from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.plans import selectors
from mace.plans.models import Plan

from ..factories import UserFactory
from .conftest import save

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _get(user: Any, person_id: int) -> Any:
    return _client(user).get(f"/api/v1/plans/{person_id}")


def _plan(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "plan_type": "child_in_need",
        "agree": True,
        "needs_and_risks": "Going missing with older males; not attending school.",
        "outcomes": "Back in school full time; no missing episodes.",
        "child_views": "I just want people to stop asking me where I was.",
        "family_views": "Mum wants help with boundaries.",
        "contingency": "If she goes missing again, a strategy meeting within 24 hours.",
        "actions": [{"text": "Weekly direct work", "owner": "Sam Worker", "due": "2026-12-15"}],
    }
    body.update(kw)
    return body


def _put(client: Client, person_id: int, body: dict[str, Any]) -> Any:
    return client.put(f"/api/v1/plans/{person_id}", body, content_type="application/json")


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _review(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_on": timezone.localdate().isoformat(),
        "attendees": "Social worker, school, police",
        "progress": "Attending school four days a week.",
        "contingency_needed": False,
        "contingency_used": False,
        "child_safer": "yes",
        "decision": "continue",
    }
    body.update(kw)
    return body


# Reading -------------------------------------------------------------------------------------------


def test_the_api_returns_the_current_version(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Type change", plan_type="child_protection")
    body = _get(area.officer, area.child.pk).json()
    assert (body["version"], body["plan_type"], body["status"]) == (2, "child_protection", "agreed")
    assert body["actions"][0]["owner"] == "Sam Worker"


def test_reading_the_plan_through_the_api_counts_towards_who_has_the_latest(area: Any) -> None:
    save(area)
    _get(area.teacher, area.child.pk)
    plan = Plan.objects.get(person=area.child)
    teacher = next(h for h in selectors.holders(plan) if h.user == area.teacher)
    assert teacher.has_latest


def test_forbidden_and_missing_plans_answer_the_same_404(area: Any) -> None:
    save(area)
    stranger = UserFactory(roles=[Role.SOCIAL_WORKER])
    forbidden, missing = _get(stranger, area.child.pk), _get(stranger, area.child.pk + 10_000)
    assert (
        (forbidden.status_code, forbidden.json())
        == (missing.status_code, missing.json())
        == (
            404,
            {"detail": "Not found"},
        )
    )


def test_a_child_without_a_plan_answers_404(area: Any) -> None:
    assert _get(area.social_worker, area.child.pk).status_code == 404


def test_the_versions_are_listed_newest_first(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Stepped up after a strategy meeting", plan_type="child_protection")
    response = _client(area.officer).get(f"/api/v1/plans/{area.child.pk}/versions")
    assert response.status_code == 200
    assert [(v["number"], v["plan_type"], v["reason"]) for v in response.json()] == [
        (2, "child_protection", "Stepped up after a strategy meeting"),
        (1, "child_in_need", "First version of the plan"),
    ]


# Saving versions -----------------------------------------------------------------------------------


def test_the_first_version_starts_the_plan_with_201(area: Any) -> None:
    response = _put(_client(area.social_worker), area.child.pk, _plan())
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["status"]) == (1, "agreed")


def test_a_change_based_on_the_current_version_saves_the_next_with_200(area: Any) -> None:
    save(area)
    response = _put(
        _client(area.social_worker),
        area.child.pk,
        _plan(version=1, reason="Stepped up", plan_type="child_protection"),
    )
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["plan_type"]) == (2, "child_protection")


def test_agreeing_a_plan_without_a_contingency_is_refused_naming_contingency(area: Any) -> None:
    response = _put(_client(area.social_worker), area.child.pk, _plan(contingency=""))
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["field"], problem["loc"]) == ("contingency", ["body", "contingency"])
    assert "contingency plan" in problem["msg"]


def test_an_action_without_an_owner_is_refused_naming_the_action(area: Any) -> None:
    actions = [
        {"text": "Weekly direct work", "owner": "Sam Worker", "due": "2026-12-15"},
        {"text": "Mentoring", "due": "2026-12-15"},
    ]
    response = _put(_client(area.social_worker), area.child.pk, _plan(actions=actions))
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["field"], problem["loc"]) == ("actions", ["body", "actions", 1])
    assert "owner" in problem["msg"]


def test_an_unknown_plan_type_is_refused_naming_the_field(area: Any) -> None:
    response = _put(_client(area.social_worker), area.child.pk, _plan(plan_type="supervision_order"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "plan_type"


def test_a_change_based_on_an_old_version_is_409_and_the_first_save_survives(area: Any) -> None:
    save(area)
    first, second = _client(area.social_worker), _client(area.colleague)
    saved = _put(first, area.child.pk, _plan(version=1, reason="New school", outcomes="Attends Halbury."))
    late = _put(second, area.child.pk, _plan(version=1, reason="Mentor", outcomes="Sees a mentor weekly."))
    assert (saved.status_code, late.status_code) == (200, 409)
    body = late.json()
    assert (body["based_on"], body["current_version"], body["current"]["version"]) == (1, 2, 2)
    assert body["current"]["outcomes"] == "Attends Halbury."
    assert body["attempted"]["outcomes"] == "Sees a mentor weekly."
    assert _get(area.officer, area.child.pk).json()["outcomes"] == "Attends Halbury."


def test_the_second_saver_can_resend_based_on_the_current_version(area: Any) -> None:
    save(area)
    _put(_client(area.social_worker), area.child.pk, _plan(version=1, reason="New school"))
    second = _client(area.colleague)
    late = _put(second, area.child.pk, _plan(version=1, reason="Mentor", outcomes="Sees a mentor."))
    current = late.json()["current"]["version"]
    again = _put(second, area.child.pk, _plan(version=current, reason="Mentor", outcomes="Sees a mentor."))
    assert (again.status_code, again.json()["version"], again.json()["outcomes"]) == (
        200,
        3,
        "Sees a mentor.",
    )


def test_a_change_without_a_version_when_a_plan_exists_is_409(area: Any) -> None:
    save(area)
    response = _put(_client(area.social_worker), area.child.pk, _plan(reason="Blind overwrite"))
    assert response.status_code == 409
    assert (response.json()["based_on"], response.json()["current"]["version"]) == (None, 1)
    assert len(selectors.versions_for_user(area.social_worker, area.child.pk)) == 1


def test_a_role_that_does_not_hold_plans_gets_403_when_saving(area: Any) -> None:
    response = _put(_client(area.teacher), area.child.pk, _plan())
    assert response.status_code == 403


def test_a_saved_version_is_in_the_access_log_under_the_caller(area: Any) -> None:
    _put(_client(area.social_worker), area.child.pk, _plan())
    entry = AccessLogEntry.objects.get(object_type="plan", action=AccessLogEntry.Action.CREATE)
    assert (entry.actor, entry.person_id, entry.detail["version"]) == (area.social_worker, area.child.pk, 1)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "", _plan()),
        ("get", "/versions", None),
        ("post", "/reviews", _review()),
        ("post", "/acknowledge", {"version": 1}),
    ],
)
def test_a_professional_with_no_relationship_to_the_child_gets_404(
    area: Any, method: str, path: str, body: Any
) -> None:
    save(area)
    stranger = _client(UserFactory(roles=[Role.SOCIAL_WORKER]))
    url = f"/api/v1/plans/{area.child.pk}{path}"
    if body is None:
        response = getattr(stranger, method)(url)
    else:
        response = getattr(stranger, method)(url, body, content_type="application/json")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})


# Reviews -------------------------------------------------------------------------------------------


def test_a_review_is_recorded_with_201(area: Any) -> None:
    save(area)
    response = _post(_client(area.social_worker), f"/api/v1/plans/{area.child.pk}/reviews", _review())
    assert response.status_code == 201
    body = response.json()
    assert (body["reviewed_version"], body["decision"], body["plan_version"]) == (1, "continue", 1)


def test_a_review_stepping_down_makes_the_next_version(area: Any) -> None:
    save(area)
    response = _post(
        _client(area.social_worker),
        f"/api/v1/plans/{area.child.pk}/reviews",
        _review(decision="step_down", new_type="early_help"),
    )
    assert (response.status_code, response.json()["plan_version"]) == (201, 2)
    assert _get(area.officer, area.child.pk).json()["plan_type"] == "early_help"


def test_a_contingency_needed_but_not_used_without_a_reason_is_refused(area: Any) -> None:
    save(area)
    response = _post(
        _client(area.social_worker),
        f"/api/v1/plans/{area.child.pk}/reviews",
        _review(contingency_needed=True, contingency_used=False),
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["contingency_not_used_reason"]


def test_a_role_that_does_not_hold_plans_gets_403_when_reviewing(area: Any) -> None:
    save(area)
    response = _post(_client(area.officer), f"/api/v1/plans/{area.child.pk}/reviews", _review())
    assert response.status_code == 403


def test_a_review_of_a_child_without_a_plan_is_404(area: Any) -> None:
    response = _post(_client(area.social_worker), f"/api/v1/plans/{area.child.pk}/reviews", _review())
    assert response.status_code == 404


# Who has the latest --------------------------------------------------------------------------------


def test_acknowledging_the_latest_version_records_that_the_professional_has_it(area: Any) -> None:
    save(area)
    response = _post(_client(area.officer), f"/api/v1/plans/{area.child.pk}/acknowledge", {"version": 1})
    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None
    plan = selectors.plan_for_user(area.social_worker, area.child.pk)[1]
    assert plan is not None
    officer = next(h for h in selectors.holders(plan) if h.user == area.officer)
    assert (officer.has_latest, officer.acknowledged) == (True, 1)


def test_acknowledging_an_old_version_is_409_with_the_current_one(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Stepped up", plan_type="child_protection")
    response = _post(_client(area.officer), f"/api/v1/plans/{area.child.pk}/acknowledge", {"version": 1})
    assert response.status_code == 409
    assert (response.json()["current"]["version"], response.json()["attempted"]) == (2, {"acknowledge": 1})


def test_a_role_that_does_not_work_with_records_gets_403_when_acknowledging(area: Any) -> None:
    save(area)
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    response = _post(_client(analyst), f"/api/v1/plans/{area.child.pk}/acknowledge", {"version": 1})
    assert response.status_code == 403
