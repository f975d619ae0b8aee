from __future__ import annotations

import pytest
from django.test import Client

from mace.accounts.models import Role

from ..conftest import sign_in
from ..factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_administrator_changes_roles_and_the_sessions_end(make_user) -> None:
    team = TeamFactory()
    admin = make_user(Role.ADMINISTRATOR, team=team)
    worker = make_user(Role.SOCIAL_WORKER, team=TeamFactory(agency=team.agency))
    worker_client = sign_in(Client(), worker)
    assert worker_client.get("/people/").status_code == 200
    admin_client = sign_in(Client(), admin)
    assert worker.username in admin_client.get("/accounts/").content.decode()
    response = admin_client.post(
        f"/accounts/{worker.pk}/", {"action": "roles", "roles": [Role.EDUCATION_OFFICER]}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.role_codes == {Role.EDUCATION_OFFICER}
    assert worker_client.get("/people/").status_code == 302  # signed out


def test_disabling_needs_a_reason(make_user) -> None:
    team = TeamFactory()
    admin = make_user(Role.ADMINISTRATOR, team=team)
    worker = make_user(Role.SOCIAL_WORKER, team=TeamFactory(agency=team.agency))
    client = sign_in(Client(), admin)
    assert client.post(f"/accounts/{worker.pk}/", {"action": "disable", "reason": ""}).status_code == 400
    client.post(f"/accounts/{worker.pk}/", {"action": "disable", "reason": "Left the council"})
    worker.refresh_from_db()
    assert not worker.is_active


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_manage_accounts(make_user, role) -> None:
    assert sign_in(Client(), make_user(role)).get("/accounts/").status_code == 404
