"""Whether a child was found outside the partnership's area, recorded with the return (issue 11: the
scorecard counts children and episodes found outside the area): through the service, the form and the
API; not known is kept as not known, never as "no"."""

# shifted-clocks: pinned (the missing conftest travels to CLOCK for every test)

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.missing import services
from mace.missing.models import MissingEpisode
from tests.versions import saved_version

from ..conftest import sign_in
from .conftest import NOW, report, return_in
from .test_pages import _when

pytestmark = pytest.mark.django_db


def test_the_service_keeps_whether_the_child_was_found_outside_the_area(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode,
        data=return_in(found_place="Piccadilly station, Manchester", found_outside_area=True),
        by=area.officer,
        version=saved_version(episode),
    )
    assert MissingEpisode.objects.get().found_outside_area is True


def test_a_return_that_does_not_say_keeps_it_not_known(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    assert MissingEpisode.objects.get().found_outside_area is None


@pytest.mark.parametrize(("answer", "saved"), [("yes", True), ("no", False), ("unknown", None)])
def test_the_return_form_records_the_answer(area: Any, answer: str, saved: bool | None) -> None:
    episode = report(area)
    client = sign_in(Client(), area.officer)
    assert (
        "Was the child found outside the partnership"
        in client.get(f"/missing/episodes/{episode.pk}/return/").content.decode()
    )
    body = {
        "found_place": "Lime Street station, Liverpool",
        "found_by": "police",
        "found_outside_area": answer,
        "harm_disclosed": "no",
        "version": episode.version,
        **_when("returned", NOW - timedelta(minutes=30)),
    }
    assert client.post(f"/missing/episodes/{episode.pk}/return/", body).status_code == 302
    assert MissingEpisode.objects.get().found_outside_area is saved
    page = client.get(f"/missing/episodes/{episode.pk}/").content.decode()
    assert "Outside the area" in page


def test_the_api_takes_and_returns_it(area: Any) -> None:
    episode = report(area)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=area.officer, by=Actor.system('test')).raw}"
    )
    body = {
        "returned_at": (NOW - timedelta(minutes=10)).isoformat(),
        "found_place": "Flat in Digbeth, Birmingham",
        "found_by": "police",
        "found_outside_area": True,
    }
    response = client.post(
        f"/api/v1/missing-episodes/{episode.pk}/return", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["found_outside_area"] is True
    assert MissingEpisode.objects.get().found_outside_area is True
