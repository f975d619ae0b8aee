"""The action plan through the API: the same computed RAG and the same refusals as the pages."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.improvement.models import ActionPlan, ProgressUpdate

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(role: str, partnership: Any) -> Client:
    user = UserFactory(roles=[role], team__partnership=partnership, team__agency__partnerships=[partnership])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def test_the_executive_lists_the_actions_with_their_computed_rag(plan: ActionPlan, partnership: Any) -> None:
    body = _client(Role.EXECUTIVE, partnership).get("/api/v1/improvement/actions").json()
    assert len(body) == 77
    first = next(a for a in body if a["ref"] == "3.1a")
    assert (first["owner_rag"], first["rag"]) == ("amber", "red")
    assert first["reason"].startswith("Delayed") and first["last_update"]["on"] == "2022-12-14"


def test_filters(plan: ActionPlan, partnership: Any) -> None:
    client = _client(Role.EXECUTIVE, partnership)
    assert {a["ref"] for a in client.get("/api/v1/improvement/actions?rag=red").json()} == {
        "3.1a",
        "3.2c",
        "4.3b",
        "4.4b",
    }
    assert len(client.get("/api/v1/improvement/actions?area=5.4").json()) == 7
    # part of the name: the five actions he owns and 5.4g, which he owns with two others
    assert len(client.get("/api/v1/improvement/actions?owner=littlewood").json()) == 6
    assert client.get("/api/v1/improvement/actions?rag=purple").status_code == 422


def _body(**kw: Any) -> dict[str, Any]:
    return {
        "on": "2023-01-02",
        "text": "Awareness sessions delivered.",
        "rag": "amber",
        "evidence": [{"kind": "measure", "description": "Education", "measure_code": "education_full_time"}],
        "version": 1,
        **kw,
    }


def test_the_business_manager_posts_an_update(plan: ActionPlan, partnership: Any) -> None:
    client = _client(Role.BUSINESS_MANAGER, partnership)
    answer = client.post("/api/v1/improvement/actions/4.1a/updates", _body(), content_type="application/json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["version"] == 2 and body["last_update"]["on"] == "2023-01-02"
    assert body["evidence"][0]["measure_code"] == "education_full_time"


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"on": "2022-07-01"}, 422, "before the action existed"),
        ({"on": "2023-01-04"}, 422, "future"),
        ({"version": 7}, 409, "Someone else changed this record"),
        ({"rag": "blue"}, 422, "rag"),
    ],
)
def test_bad_updates_are_refused(
    plan: ActionPlan, partnership: Any, change: Any, status: int, text: str
) -> None:
    client = _client(Role.BUSINESS_MANAGER, partnership)
    answer = client.post(
        "/api/v1/improvement/actions/4.1a/updates", _body(**change), content_type="application/json"
    )
    assert answer.status_code == status and text in answer.content.decode()
    assert ProgressUpdate.objects.filter(action__ref="4.1a").count() == 1


def test_the_executive_cannot_post_and_an_unknown_ref_is_not_found(
    plan: ActionPlan, partnership: Any
) -> None:
    client = _client(Role.EXECUTIVE, partnership)
    answer = client.post("/api/v1/improvement/actions/4.1a/updates", _body(), content_type="application/json")
    assert answer.status_code == 403
    manager = _client(Role.BUSINESS_MANAGER, partnership)
    missing = manager.post(
        "/api/v1/improvement/actions/9.9z/updates", _body(), content_type="application/json"
    )
    assert missing.status_code == 404
