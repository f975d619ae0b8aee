"""An id no record can have (2^63 or more: beyond a 64-bit integer) is a plain 404, and the denial is logged.

It used to answer 500: SQLite cannot bind the number, so writing the denial to the access log failed."""

from __future__ import annotations

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core import audit
from mace.core.models import AccessLogEntry

from ..conftest import sign_in
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

IDS = [2**63, 10**70]
API = [
    "/api/v1/people/{}",
    "/api/v1/plans/{}",
    "/api/v1/plans/{}/versions",
    "/api/v1/trigger-plans/{}",
    "/api/v1/casework/children/{}/timetable",
    "/api/v1/contacts/{}",
    "/api/v1/screenings/{}",
    "/api/v1/ed-attendances/{}",
    "/api/v1/missing-episodes/{}",
    "/api/v1/return-interviews/{}",
    "/api/v1/meetings/{}",
]
PAGES = [
    "/people/{}/",
    "/people/{}/access-log/",
    "/plans/children/{}/",
    "/plans/children/{}/versions/1/",
    "/casework/children/{}/",
    "/casework/children/{}/timetable/",
    "/missing/children/{}/",
    "/missing/children/{}/trigger-plan/",
    "/missing/episodes/{}/",
    "/missing/interviews/{}/",
    "/front-door/contacts/{}/",
    "/meetings/{}/",
    "/screening/{}/",
]


def _denials_after(top: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=top, action=AccessLogEntry.Action.DENY))


def _top() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("number", IDS, ids=["2^63", "10^70"])
@pytest.mark.parametrize("path", API)
def test_an_out_of_range_id_in_the_api_is_a_logged_404(path: str, number: int) -> None:
    user = UserFactory(roles=[Role.FRONT_DOOR_MANAGER])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=audit.Actor.system('test')).raw}")
    top = _top()
    response = client.get(path.format(number))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
    [denial] = _denials_after(top)
    assert (denial.actor_id, denial.person_id) == (user.pk, None)
    assert denial.object_id.startswith(str(number)[:60])


@pytest.mark.parametrize("number", IDS, ids=["2^63", "10^70"])
@pytest.mark.parametrize("path", PAGES)
def test_an_out_of_range_id_in_a_page_address_is_a_logged_404(path: str, number: int) -> None:
    user = UserFactory(roles=[Role.FRONT_DOOR_MANAGER])
    client = sign_in(Client(), user)
    top = _top()
    assert client.get(path.format(number)).status_code == 404
    [denial] = _denials_after(top)
    assert (denial.actor_id, denial.person_id) == (user.pk, None)
    assert denial.object_id.startswith(str(number)[:60])


def test_the_log_keeps_an_out_of_range_person_id_as_text_not_as_the_integer() -> None:
    entry = audit.record(audit.Actor.system("test"), audit.Event("deny", "person", 2**63, 2**63))
    entry.refresh_from_db()
    assert (entry.person_id, entry.object_id) == (None, str(2**63))
    assert audit.verify().ok


def test_the_log_shortens_an_object_id_longer_than_its_column() -> None:
    entry = audit.record(audit.Actor.system("test"), audit.Event("deny", "person", 10**70, 10**70))
    entry.refresh_from_db()
    assert len(entry.object_id) == 64 and entry.object_id.startswith(str(10**70)[:63])
