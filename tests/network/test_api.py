# shifted-clocks: pinned
from __future__ import annotations

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.network.models import Association, Subject

from .conftest import record

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def test_a_police_system_records_a_vehicle_and_a_bad_registration_is_refused(area) -> None:
    body = {
        "kind": "vehicle",
        "name": "NOTAREG1",
        "source": "ANPR",
        "source_reliability": "B",
        "information_assessment": 2,
        "handling_code": 1,
    }
    refused = _api(area.officer).post("/api/v1/network/subjects", body, content_type="application/json")
    assert refused.status_code == 422 and not Subject.objects.exists()
    body["name"] = "AB12CDE"
    made = _api(area.officer).post("/api/v1/network/subjects", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["name"] == "AB12 CDE"


def test_a_link_ending_before_it_starts_is_refused_by_the_api(area) -> None:
    adult = record(area)
    r = _api(area.officer).post(
        "/api/v1/network/associations",
        {
            "kind": "seen_with",
            "subject_id": adult.pk,
            "person_id": area.child.pk,
            "starts": "2026-11-10",
            "ends": "2026-11-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and not Association.objects.exists()


def test_a_social_worker_gets_404_for_a_police_only_subject(area) -> None:
    adult = record(area)
    assert _api(area.social_worker).get(f"/api/v1/network/subjects/{adult.pk}").status_code == 404
    assert _api(area.officer).get(f"/api/v1/network/subjects/{adult.pk}").status_code == 200
