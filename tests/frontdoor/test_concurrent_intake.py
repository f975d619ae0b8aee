"""Contacts about one child not yet on record, arriving at the same moment on many workers, make one
child's record: the match and the creation happen under the candidate blocks' locks."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection

from mace.accounts.models import Agency
from mace.core.audit import Actor
from mace.frontdoor import services
from mace.frontdoor.models import Contact
from mace.people.models import Person

from ..factories import AgencyFactory, PartnershipFactory, TeamFactory

pytestmark = [
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="concurrent writers need PostgreSQL; SQLite serialises every write transaction",
    ),
    pytest.mark.django_db(transaction=True),
]

NOW = datetime(2026, 11, 18, 2, 30, tzinfo=UTC)
SENDERS = 50


def _send_at_once(subjects: list[dict[str, Any]]) -> None:
    partnership = PartnershipFactory()
    police = AgencyFactory(kind=Agency.Kind.POLICE, code="shire-police", partnerships=[partnership])
    council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
    TeamFactory(agency=council, partnership=partnership, front_door=True)
    start = threading.Barrier(len(subjects))

    def send(i: int) -> None:
        try:
            start.wait(timeout=60)
            services.contact_receive(
                data=services.ContactIn(
                    kind=Contact.Kind.VPA,
                    received_at=NOW - timedelta(minutes=5),
                    summary="Found in a car with two adults in Crewe at 2am with £300.",
                    subject=subjects[i],
                    source_system="niche",
                    external_ref=f"VPA-{i}",
                    source_agency=police,
                ),
                partnership=partnership,
                route=Contact.Route.API,
                by=Actor.system("niche-interface"),
            )
        finally:
            connection.close()  # each thread had its own connection

    with time_machine.travel(NOW, tick=True), ThreadPoolExecutor(len(subjects)) as pool:
        list(pool.map(send, range(len(subjects))))  # re-raises any sender's error


def _one_child_and_every_contact_on_it_or_in_review() -> None:
    person = Person.objects.get()  # exactly one record was created
    contacts = list(Contact.objects.all())
    assert len(contacts) == SENDERS
    stray = [
        c
        for c in contacts
        if c.person_id != person.pk
        and not (c.person_id is None and c.match_status == Contact.Match.NEEDS_REVIEW)
    ]
    assert stray == []


def test_fifty_contacts_at_once_about_one_new_child_make_one_record() -> None:
    subject = {
        "given_names": "Kayden",
        "family_name": "Moss",
        "date_of_birth": "2011-03-27",
        "sex": "M",
        "nhs_number": "9434765919",
        "postcode": "CW1 2AB",
    }
    _send_at_once([dict(subject) for _ in range(SENDERS)])
    _one_child_and_every_contact_on_it_or_in_review()
    assert Contact.objects.filter(match_status=Contact.Match.NEW).count() == 1


def test_fifty_contacts_at_once_that_tell_the_child_differently_make_one_record() -> None:
    """Some give the NHS number, some only the name and date of birth, some a misspelt name."""
    variants = [
        {
            "given_names": "Kayden",
            "family_name": "Moss",
            "date_of_birth": "2011-03-27",
            "nhs_number": "9434765919",
        },
        {"given_names": "Kayden", "family_name": "Moss", "date_of_birth": "2011-03-27"},
        {"given_names": "Kaden", "family_name": "Moss", "date_of_birth": "2011-03-27", "postcode": "CW1 2AB"},
        {"given_names": "Kayden", "family_name": "Moss", "nhs_number": "943 476 5919"},
    ]
    _send_at_once([dict(variants[i % len(variants)]) for i in range(SENDERS)])
    _one_child_and_every_contact_on_it_or_in_review()
