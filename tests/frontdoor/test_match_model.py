"""The linkage model's version is recorded on every match decision and shown where a match is
reviewed; the intake subject carries sex and other names to the matcher."""

# shifted-clocks: pinned

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.frontdoor.models import Contact
from mace.people.matching import default_model
from mace.people.models import Person

from ..conftest import sign_in
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _post(user, ref: str, **subject: object):  # type: ignore[no-untyped-def]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('t')).raw}")
    body = {
        "source_system": "niche",
        "external_ref": ref,
        "kind": "vpa",
        "received_at": (NOW - timedelta(minutes=5)).isoformat(),
        "source_agency": "shire-police",
        "subject": subject,
        "summary": "Found in a car with two adults at 2am.",
    }
    return client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json")


def test_the_model_version_is_stored_on_the_contact_returned_and_logged(area) -> None:
    with time_machine.travel(NOW, tick=False):
        response = _post(
            area.officer, "VPA-1", given_names="Kayden", family_name="Moss", date_of_birth="2011-03-27"
        )

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.match_model == default_model().version
    assert response.json()["match"]["model"] == default_model().version
    entry = AccessLogEntry.objects.filter(object_type="contact", object_id=str(contact.pk)).get()
    assert entry.detail["model"] == default_model().version


def test_sex_and_other_names_are_accepted_and_a_called_name_finds_the_child(area) -> None:
    child = PersonFactory(
        partnership=area.partnership,
        given_names="Amy",
        family_name="Chen",
        date_of_birth=date(2012, 5, 14),
        sex="F",
    )
    with time_machine.travel(NOW, tick=False):
        response = _post(
            area.officer,
            "VPA-2",
            given_names="Mei",
            family_name="Chen",
            date_of_birth="2012-05-14",
            sex="F",
            other_names=[{"given_names": "Amy", "family_name": "Chen", "kind": "called"}],
        )

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.subject["sex"] == "F"
    assert contact.subject["other_names"][0]["given_names"] == "Amy"
    assert contact.person_id == child.pk  # linked through the called name, not made a second child
    assert Person.objects.filter(family_name="Chen").count() == 1


def test_a_subject_with_an_unknown_sex_or_kind_of_name_is_refused_and_nothing_is_saved(area) -> None:
    with time_machine.travel(NOW, tick=False):
        bad_sex = _post(area.officer, "VPA-3", family_name="Moss", sex="female")
        bad_kind = _post(
            area.officer, "VPA-4", family_name="Moss", other_names=[{"given_names": "A", "kind": "nick"}]
        )

    assert bad_sex.status_code == 422 and bad_kind.status_code == 422
    assert not Contact.objects.exists()


def test_the_match_page_shows_the_model_that_scored_the_candidates(area, client) -> None:
    PersonFactory(
        partnership=area.partnership,
        given_names="Kayden",
        family_name="Moss",
        date_of_birth=date(2011, 3, 27),
    )
    PersonFactory(
        partnership=area.partnership,
        given_names="Kaiden",
        family_name="Moss",
        date_of_birth=date(2011, 3, 27),
    )
    with time_machine.travel(NOW, tick=False):
        contact_id = _post(
            area.officer, "VPA-5", given_names="Kayden", family_name="Moss", date_of_birth="2011-03-27"
        ).json()["id"]
        sign_in(client, area.worker)
        page = client.get(f"/front-door/contacts/{contact_id}/match/")

    assert page.status_code == 200
    text = page.content.decode()
    assert f"Scored by linkage model {default_model().version}" in text
    assert f"At intake the decision was made by linkage model {default_model().version}" in text
