"""Every role against the action plan's routes, from expectations written out here (not read from
`mace.core.access.POLICY`): every signed-in member of the partnership reads; the business manager,
managers and administrators update; the business manager and administrators record the board's
sign-off. Refusals look like missing pages (404), and change nothing."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.improvement.models import ActionPlan, PriorityArea, ProgressUpdate

from ..conftest import sign_in
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

UPDATE_ROLES = {Role.BUSINESS_MANAGER, Role.FRONT_DOOR_MANAGER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}
SIGN_OFF_ROLES = {Role.BUSINESS_MANAGER, Role.ADMINISTRATOR}


def _client(role: str, partnership: Any) -> Client:
    user = UserFactory(roles=[role], team__partnership=partnership, team__agency__partnerships=[partnership])
    return sign_in(Client(), user)


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_reads_updates_and_signs_off_as_agreed(
    plan: ActionPlan, partnership: Any, role: str
) -> None:
    client = _client(role, partnership)
    base = f"/improvement/plans/{plan.pk}"
    for path in ("/", "/review/", "/actions/1.1b/", "/areas/2.3/", "/action-plan.xlsx"):
        assert client.get(base + path).status_code == 200, path
    update = client.post(
        f"{base}/actions/1.1b/updates/",
        {"version": "1", "on_day": "2", "on_month": "1", "on_year": "2023", "text": "Done.", "rag": "amber"},
    )
    assert update.status_code == (302 if role in UPDATE_ROLES else 404)
    assert ProgressUpdate.objects.filter(action__ref="1.1b").count() == (2 if role in UPDATE_ROLES else 1)
    signed = client.post(
        f"{base}/areas/2.3/sign-off/",
        {"version": "1", "on_day": "20", "on_month": "12", "on_year": "2022", "note": "x", "monitoring": "y"},
    )
    assert signed.status_code == (302 if role in SIGN_OFF_ROLES else 404)
    assert PriorityArea.objects.get(plan=plan, number="2.3").signed_off is (role in SIGN_OFF_ROLES)
