"""An action's owner may be a user account of the partnership: chosen on the action's owner page (a
plain select, no script) or through the API, versioned, logged; a user of another partnership, a blank
owner or a stale page is refused and nothing changes."""

# shifted-clocks: pinned

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.improvement.models import ActionPlan

from ..conftest import sign_in
from ..factories import PartnershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user(role: str, partnership: Any, **kw: Any) -> Any:
    return UserFactory(
        roles=[role], team__partnership=partnership, team__agency__partnerships=[partnership], **kw
    )


def _stranger() -> Any:
    elsewhere = PartnershipFactory(code="elsewhere", name="Elsewhere")
    return UserFactory(roles=[Role.TEAM_MANAGER], team=TeamFactory(partnership=elsewhere), agency=None)


def _page(plan: ActionPlan) -> str:
    return f"/improvement/plans/{plan.pk}/actions/2.2b/owner/"


def test_the_business_manager_chooses_the_owners_account(plan: ActionPlan, partnership: Any) -> None:
    manager = _user(Role.BUSINESS_MANAGER, partnership)
    owner = _user(Role.TEAM_MANAGER, partnership, first_name="Olu", last_name="Owens")
    client = sign_in(Client(), manager)
    action = plan.areas.get(number="2.2").actions.get(ref="2.2b")
    assert "Change" in client.get(f"/improvement/plans/{plan.pk}/actions/2.2b/").content.decode()
    form = client.get(_page(plan)).content.decode()
    assert "Olu Owens" in form and "<select" in form
    response = client.post(_page(plan), {"version": str(action.version), "owner": "", "owner_user": owner.pk})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.owner_user, action.version) == ("Olu Owens", owner, 2)
    page = client.get(f"/improvement/plans/{plan.pk}/actions/2.2b/").content.decode()
    assert "MACE account: Olu Owens" in page
    assert AccessLogEntry.objects.filter(object_type="improvement_action", object_id=str(action.pk)).exists()


def test_the_owner_keeps_the_plans_words_beside_the_account(plan: ActionPlan, partnership: Any) -> None:
    owner = _user(Role.TEAM_MANAGER, partnership)
    client = sign_in(Client(), _user(Role.BUSINESS_MANAGER, partnership))
    action = plan.areas.get(number="2.2").actions.get(ref="2.2b")
    client.post(_page(plan), {"version": "1", "owner": "Health subgroup (chair)", "owner_user": owner.pk})
    action.refresh_from_db()
    assert (action.owner, action.owner_user) == ("Health subgroup (chair)", owner)


def test_a_user_of_another_partnership_is_refused_and_nothing_changes(
    plan: ActionPlan, partnership: Any
) -> None:
    stranger = _stranger()
    client = sign_in(Client(), _user(Role.BUSINESS_MANAGER, partnership))
    action = plan.areas.get(number="2.2").actions.get(ref="2.2b")
    before = action.owner
    response = client.post(_page(plan), {"version": "1", "owner": "", "owner_user": stranger.pk})
    assert response.status_code == 400 and "Choose a user of the plan" in response.content.decode()
    action.refresh_from_db()
    assert (action.owner, action.owner_user, action.version) == (before, None, 1)


def test_a_blank_owner_without_an_account_is_refused(plan: ActionPlan, partnership: Any) -> None:
    client = sign_in(Client(), _user(Role.BUSINESS_MANAGER, partnership))
    response = client.post(_page(plan), {"version": "1", "owner": " ", "owner_user": ""})
    assert response.status_code == 400 and "Name the action" in response.content.decode()


def test_a_stale_owner_page_is_the_conflict_page(plan: ActionPlan, partnership: Any) -> None:
    client = sign_in(Client(), _user(Role.BUSINESS_MANAGER, partnership))
    client.post(_page(plan), {"version": "1", "owner": "First"})
    assert client.post(_page(plan), {"version": "1", "owner": "Second"}).status_code == 409
    assert plan.areas.get(number="2.2").actions.get(ref="2.2b").owner == "First"


def test_the_executive_cannot_change_an_owner(plan: ActionPlan, partnership: Any) -> None:
    client = sign_in(Client(), _user(Role.EXECUTIVE, partnership))
    assert client.get(_page(plan)).status_code == 404
    assert client.post(_page(plan), {"version": "1", "owner": "Me"}).status_code == 404
    assert plan.areas.get(number="2.2").actions.get(ref="2.2b").version == 1


def test_the_owners_account_is_set_through_the_api(plan: ActionPlan, partnership: Any) -> None:
    owner = _user(Role.TEAM_MANAGER, partnership, first_name="Olu", last_name="Owens")
    token = token_create(user=_user(Role.BUSINESS_MANAGER, partnership), by=Actor.system("test")).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.put(
        "/api/v1/improvement/actions/2.2b/owner",
        {"owner": "", "owner_user_id": owner.pk, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["owner"], response.json()["owner_user_id"]) == ("Olu Owens", owner.pk)
    stranger = _stranger()
    refused = client.put(
        "/api/v1/improvement/actions/2.2b/owner",
        {"owner": "", "owner_user_id": stranger.pk, "version": 2},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert plan.areas.get(number="2.2").actions.get(ref="2.2b").owner_user == owner
