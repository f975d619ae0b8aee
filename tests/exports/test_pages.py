"""The analyst's pages and the API: ask for a return, follow it, read its problems, download it; every other
role gets 404, as for a page that does not exist."""

# shifted-clocks: pinned (every instant is fixed; "now" is pinned by the world fixture)

from __future__ import annotations

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.exports import services
from mace.exports.models import ExportRun

from ..conftest import sign_in
from ..factories import UserFactory
from .conftest import NOW, World, at


def _client(user: object) -> Client:
    return sign_in(Client(), user)


def _api(user: object) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def test_an_analyst_asks_for_a_return_follows_it_and_downloads_it(world: World) -> None:
    child = world.child(la="LA600001", date_of_birth=None)
    world.contact(child, on=at(2026, 6, 1))
    client = _client(world.analyst)
    page = client.get("/exports/")
    assert page.status_code == 200 and "Make the return" in page.content.decode()
    asked = client.post("/exports/", {"kind": "ssd", "partnership": world.partnership.pk, "year": ""})
    run = ExportRun.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/exports/runs/{run.pk}/"
    waiting = client.get(asked["Location"]).content.decode()
    assert "Waiting to start" in waiting and 'data-poll="3"' in waiting
    services.make_queued(NOW)
    done = client.get(asked["Location"]).content.decode()
    assert "Download ssd-" in done
    assert "date of birth" in done  # the data-quality problem, by field
    problems = client.get(f"/exports/runs/{run.pk}/problems/").content.decode()
    assert "LA600001" in problems and "Record the child&#39;s date of birth" in problems
    download = client.get(f"/exports/runs/{run.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="ssd-')


def test_a_year_not_started_is_shown_as_an_error_and_nothing_is_asked_for(world: World) -> None:
    page = _client(world.analyst).post(
        "/exports/", {"kind": "cin", "partnership": world.partnership.pk, "year": "2031"}
    )
    assert page.status_code == 400
    assert "has not started" in page.content.decode()
    assert ExportRun.objects.count() == 0


def test_the_mapping_tables_in_force_are_shown(world: World) -> None:
    page = _client(world.analyst).get("/exports/mappings/").content.decode()
    assert "Referral and contact source" in page and "11A" in page and "Child sexual exploitation" in page


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.SCRUTINEER, Role.SOCIAL_WORKER, Role.FRONT_DOOR_WORKER]
)
def test_every_other_role_gets_not_found_on_every_exports_page(world: World, role: str) -> None:
    run = services.export_request(
        kind="ssd", partnership_id=world.partnership.pk, year=None, by=world.analyst
    )
    services.export_make(run)
    client = _client(UserFactory(team=world.team, roles=[role]))
    for url in (
        "/exports/",
        "/exports/mappings/",
        f"/exports/runs/{run.pk}/",
        f"/exports/runs/{run.pk}/download/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/exports/", {"kind": "ssd"}).status_code == 404
    assert (
        _api(UserFactory(team=world.team, roles=[role])).get(f"/api/v1/exports/runs/{run.pk}").status_code
        == 404
    )
    assert ExportRun.objects.count() == 1


def test_the_api_asks_for_a_return_and_reports_its_findings(world: World) -> None:
    child = world.child(la="LA600002")
    world.contact(child, on=at(2026, 6, 1))
    client = _api(world.analyst)
    asked = client.post(
        "/api/v1/exports/runs",
        {"kind": "cin", "partnership": world.partnership.pk, "year": 2027, "validate": False},
        content_type="application/json",
    )
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert (body["status"], body["year"]) == ("queued", 2027)
    services.make_queued(NOW)
    got = client.get(f"/api/v1/exports/runs/{body['id']}").json()
    assert (got["status"], got["counts"]) == ("done", {"children": 1})
    file = client.get(f"/api/v1/exports/runs/{body['id']}/file")
    assert file.status_code == 200 and b"LA600002" in b"".join(file.streaming_content)  # type: ignore[attr-defined]


def test_the_api_refuses_a_year_not_started_naming_the_field(world: World) -> None:
    answer = _api(world.analyst).post(
        "/api/v1/exports/runs",
        {"kind": "cin", "partnership": world.partnership.pk, "year": 2031},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "year" in answer.content.decode()
    assert ExportRun.objects.count() == 0
