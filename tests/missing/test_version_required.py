"""No version, no save: each missing-episode form and API schema refuses a save that names no version
(the conflict page, a 409 or a 422 naming `version`) and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.missing import selectors, services
from mace.missing.models import EpisodeUpdate, ReturnInterview, TriggerPlan
from tests.versions import as_saved, saved_version

from ..conftest import sign_in
from .conftest import NOW, report, return_in
from .test_pages import _when
from .test_trigger_plans import known, plan_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        yield


def _web(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _interview(area: Any) -> ReturnInterview:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    return ReturnInterview.objects.get(episode=episode)


__all__ = ["known"]  # the police know the child, so they may write a trigger plan


def _plan(area: Any) -> TriggerPlan:
    plan, _ = services.trigger_plan_save(person=area.child, data=plan_in(), by=area.officer, version=None)
    return plan


def test_a_search_update_form_without_a_version_is_a_conflict_that_saves_nothing(area: Any) -> None:
    episode = report(area)
    before = as_saved(episode)
    response = _web(area.officer).post(f"/missing/episodes/{episode.pk}/update/", {"text": "Seen in town"})
    assert response.status_code == 409
    assert as_saved(episode) == before and not EpisodeUpdate.objects.exists()


def test_a_return_form_without_a_version_is_a_conflict_that_saves_nothing(area: Any) -> None:
    episode = report(area)
    before = as_saved(episode)
    body = {
        "found_place": "Bus station",
        "found_by": "police",
        "harm_disclosed": "no",
        **_when("returned", NOW - timedelta(minutes=30)),
    }
    response = _web(area.officer).post(f"/missing/episodes/{episode.pk}/return/", body)
    assert response.status_code == 409
    assert as_saved(episode) == before and not ReturnInterview.objects.exists()


def test_an_interview_form_without_a_version_is_a_conflict_that_saves_nothing(area: Any) -> None:
    interview = _interview(area)
    before = as_saved(interview)
    response = _web(area.rhi_worker).post(f"/missing/interviews/{interview.pk}/", {"action": "offer"})
    assert response.status_code == 409
    assert as_saved(interview) == before


def test_a_trigger_plan_form_without_a_version_is_a_conflict_showing_both(known: Any) -> None:
    area = known
    plan = _plan(area)
    before = as_saved(plan)
    body = {"triggers": "t", "places": "Somewhere else", "actions": "a"}
    response = _web(area.officer).post(f"/missing/children/{area.child.pk}/trigger-plan/edit/", body)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Somewhere else" in page and "14 Mill Lane" in page
    assert as_saved(plan) == before


def test_ending_a_trigger_plan_without_a_version_is_a_conflict_that_saves_nothing(known: Any) -> None:
    area = known
    plan = _plan(area)
    before = as_saved(plan)
    body = {"end_reason": "Not missing for six months"}
    response = _web(area.officer).post(f"/missing/children/{area.child.pk}/trigger-plan/end/", body)
    assert response.status_code == 409
    assert as_saved(plan) == before and selectors.live_trigger_plan(area.child) is not None


def test_a_search_update_by_api_without_a_version_is_refused_naming_it(area: Any) -> None:
    episode = report(area)
    before = as_saved(episode)
    response = _api(area.officer).post(
        f"/api/v1/missing-episodes/{episode.pk}/updates", {"text": "Seen"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["version"]
    assert as_saved(episode) == before and not EpisodeUpdate.objects.exists()


def test_an_interview_step_by_api_without_a_version_is_refused_naming_it(area: Any) -> None:
    interview = _interview(area)
    before = as_saved(interview)
    body = {"action": "offer", "at": (NOW + timedelta(minutes=30)).isoformat()}
    response = _api(area.rhi_worker).post(
        f"/api/v1/return-interviews/{interview.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["version"]
    assert as_saved(interview) == before


def test_revising_a_trigger_plan_by_api_without_a_version_is_a_conflict_with_both_versions(
    known: Any,
) -> None:
    area = known
    plan = _plan(area)
    before = as_saved(plan)
    body = {"triggers": "t", "places": "Somewhere else", "actions": "a"}
    response = _api(area.officer).put(
        f"/api/v1/trigger-plans/{area.child.pk}", body, content_type="application/json"
    )
    assert response.status_code == 409
    out = response.json()
    assert (out["current_version"], out["based_on"]) == (plan.version, None)
    assert out["current"]["places"] == plan.places and out["attempted"]["places"] == "Somewhere else"
    assert as_saved(plan) == before


def test_a_stale_trigger_plan_by_api_is_a_conflict_that_saves_nothing(known: Any) -> None:
    area = known
    plan = _plan(area)
    services.trigger_plan_save(
        person=area.child, data=plan_in(places="The retail park"), by=area.officer, version=plan.version
    )
    before = as_saved(plan)
    body = {"triggers": "t", "places": "Somewhere else", "actions": "a", "version": plan.version}
    response = _api(area.officer).put(
        f"/api/v1/trigger-plans/{area.child.pk}", body, content_type="application/json"
    )
    assert response.status_code == 409
    assert (response.json()["current_version"], response.json()["based_on"]) == (2, 1)
    assert as_saved(plan) == before
