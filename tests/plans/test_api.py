from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor

from ..factories import UserFactory
from .conftest import save

pytestmark = pytest.mark.django_db


def _get(user: Any, person_id: int) -> Any:
    raw = token_create(user=user, by=Actor.system("test")).raw
    return Client().get(f"/api/v1/plans/{person_id}", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_returns_the_current_version(area: Any) -> None:
    save(area)
    save(area, version=1, reason="Type change", plan_type="child_protection")
    body = _get(area.officer, area.child.pk).json()
    assert (body["version"], body["plan_type"], body["status"]) == (2, "child_protection", "agreed")
    assert body["actions"][0]["owner"] == "Sam Worker"


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
