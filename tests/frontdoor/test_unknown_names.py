"""A child known by one name only: the other name is stored empty, the API returns it empty, and only
the pages say it is not known."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.frontdoor.models import Contact
from mace.people.models import Person

from ..conftest import sign_in
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _contact_about(area: Any, **subject: str) -> Person:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=area.officer, by=Actor.system('t')).raw}")
    body = {
        "source_system": "niche",
        "external_ref": "VPA-1",
        "kind": "vpa",
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "source_agency": "shire-police",
        "subject": subject,
        "summary": "Seen getting into a car with older men outside school.",
    }
    response = client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    person = Contact.objects.get().person
    assert person is not None
    return person


def test_a_child_with_one_name_is_stored_with_the_other_name_empty(area: Any) -> None:
    person = _contact_about(area, given_names="Lily", date_of_birth="2011-03-27")
    assert (person.given_names, person.family_name) == ("Lily", "")


def test_the_api_returns_the_name_not_given_as_empty_not_as_a_name(area: Any) -> None:
    person = _contact_about(area, family_name="Moss", date_of_birth="2011-03-27")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=area.worker, by=Actor.system('t')).raw}")
    body = client.get(f"/api/v1/people/{person.pk}").json()
    assert body["given_names"] == "" and body["family_name"] == "Moss"


def test_the_record_page_says_the_name_is_not_known(area: Any, client: Client) -> None:
    person = _contact_about(area, given_names="Lily", date_of_birth="2011-03-27")
    sign_in(client, area.worker)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert re.search(r"Family name\s*</dt>\s*<dd[^>]*>\s*Not known\s*</dd>", page)
    assert "Lily Not known" not in page  # the heading shows her name, not the placeholder as a name
    assert re.search(r"Given names\s*</dt>\s*<dd[^>]*>\s*Lily\s*</dd>", page)


def test_existing_placeholder_names_are_emptied_and_real_names_kept(area: Any) -> None:
    placeholder = PersonFactory(family_name="Not known", family_key="", given_names="Lily", given_key="lily")
    real = PersonFactory(given_names="Not known", given_key="notknown", family_name="Moss", family_key="moss")
    import_module("mace.people.migrations.0004_unknown_names_stored_empty").forwards(apps, None)
    placeholder.refresh_from_db()
    real.refresh_from_db()
    assert placeholder.family_name == "" and placeholder.given_names == "Lily"
    assert real.given_names == "Not known"
