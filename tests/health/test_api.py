"""POST /api/v1/ed-attendances."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.health import selectors

pytestmark = pytest.mark.django_db


def _post(user: Any, body: dict[str, Any]) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")
    return client.post("/api/v1/ed-attendances", body, content_type="application/json")


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source_system": "symphony",
        "external_ref": "ED-1",
        "arrived_at": "2026-01-05T22:10:00+00:00",
        "subject": {"given_names": "Unknown", "family_name": "Male"},
        "presenting_complaint": "Intoxicated, found in the town centre",
        "seen_alone": True,
        "cpis_checked": True,
        "cpis_result": "looked_after",
        "discharged_at": "2026-01-06T02:00:00+00:00",
        "left_before_assessment": True,
    }
    body.update(overrides)
    return body


def test_an_unidentified_child_is_accepted_and_reaches_the_review_queue(ed_area: Any) -> None:
    response = _post(ed_area.nurse, _body())
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["identified"] is False and out["status"] == "discharged"
    assert out["id"] in [a.pk for a in selectors.review_queue(ed_area.lead)[0]]


def test_the_same_reference_returns_the_first_attendance(ed_area: Any) -> None:
    first = _post(ed_area.nurse, _body()).json()
    again = _post(ed_area.nurse, _body(presenting_complaint="changed"))
    assert again.status_code == 200 and again.json()["id"] == first["id"]


def test_not_seen_alone_without_a_reason_is_refused_naming_the_field(ed_area: Any) -> None:
    response = _post(ed_area.nurse, _body(seen_alone=False))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["not_seen_alone_reason"]


def test_a_time_without_an_offset_is_refused(ed_area: Any) -> None:
    response = _post(ed_area.nurse, _body(arrived_at="2026-01-05T22:10:00"))
    assert response.status_code == 422


def test_only_ed_roles_send_attendances(ed_area: Any) -> None:
    assert _post(ed_area.education, _body()).status_code == 403
