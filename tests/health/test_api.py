"""POST /api/v1/ed-attendances."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.frontdoor.models import Contact
from mace.health import selectors
from mace.health.models import Attendance

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


def _in_department(area: Any) -> dict[str, Any]:
    body = _body(external_ref="ED-2")
    del body["discharged_at"], body["left_before_assessment"]
    response = _post(area.nurse, body)
    assert response.status_code == 201, response.json()
    return dict(response.json())


def _call(user: Any, path: str, body: dict[str, Any]) -> Any:
    """A discharge is based on the attendance as saved now, unless the body names a version."""
    if path.endswith("/discharge"):
        pk = int(path.split("/")[-2])
        saved = Attendance.objects.filter(pk=pk).values_list("version", flat=True).first()
        body = {"version": saved or 1, **body}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")
    return client.post(path, body, content_type="application/json")


DISCHARGE = {"discharged_at": "2026-01-06T01:30:00+00:00", "discharge_plan": "Home with mother; GP letter."}


def test_a_discharge_by_api_puts_the_child_in_the_review_queue(ed_area: Any) -> None:
    attendance = _in_department(ed_area)
    response = _call(ed_area.nurse, f"/api/v1/ed-attendances/{attendance['id']}/discharge", DISCHARGE)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "discharged"
    queue = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=ed_area.lead, by=Actor.system('test')).raw}"
    ).get("/api/v1/ed-attendances/review-queue")
    assert queue.status_code == 200
    assert queue.json()["waiting"] == 1 and queue.json()["attendances"][0]["id"] == attendance["id"]


def test_a_discharge_without_a_plan_is_refused_naming_the_field(ed_area: Any) -> None:
    attendance = _in_department(ed_area)
    body = {"discharged_at": DISCHARGE["discharged_at"]}
    response = _call(ed_area.nurse, f"/api/v1/ed-attendances/{attendance['id']}/discharge", body)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["discharge_plan"]


def test_a_stale_discharge_is_a_conflict(ed_area: Any) -> None:
    attendance = _in_department(ed_area)
    body = {**DISCHARGE, "version": attendance["version"] - 1}
    response = _call(ed_area.nurse, f"/api/v1/ed-attendances/{attendance['id']}/discharge", body)
    assert response.status_code == 409
    assert response.json()["current_version"] == attendance["version"]


def test_another_trusts_clinician_cannot_find_the_attendance(ed_area: Any) -> None:
    attendance = _in_department(ed_area)
    path = f"/api/v1/ed-attendances/{attendance['id']}/discharge"
    assert _call(ed_area.other_nurse, path, DISCHARGE).status_code == 404


def test_a_liaison_review_by_api_records_who_was_told(ed_area: Any) -> None:
    attendance = _post(ed_area.nurse, _body()).json()
    body = {
        "outcome": "liaison",
        "notes": "Known to school nurse; no new concern.",
        "shared_with": "school_nurse",
    }
    response = _call(ed_area.lead, f"/api/v1/ed-attendances/{attendance['id']}/review", body)
    assert response.status_code == 201, response.json()
    assert response.json()["shared_with"] == "school_nurse" and response.json()["shared_at"]


def test_an_intervention_review_by_api_sends_a_contact_to_the_front_door(ed_area: Any) -> None:
    attendance = _post(ed_area.nurse, _body()).json()
    body = {"outcome": "intervention", "notes": "Intoxicated at 2am with older males; refer."}
    response = _call(ed_area.lead, f"/api/v1/ed-attendances/{attendance['id']}/review", body)
    assert response.status_code == 201, response.json()
    assert Contact.objects.filter(pk=response.json()["contact_id"], kind=Contact.Kind.ED_REFERRAL).exists()


def test_a_review_without_an_outcome_is_refused_and_the_child_stays_in_the_queue(ed_area: Any) -> None:
    attendance = _post(ed_area.nurse, _body()).json()
    body = {"outcome": "", "notes": "Looked at it."}
    response = _call(ed_area.lead, f"/api/v1/ed-attendances/{attendance['id']}/review", body)
    assert response.status_code == 422
    assert attendance["id"] in [a.pk for a in selectors.review_queue(ed_area.lead)[0]]


def test_a_clinician_cannot_triage_the_review_queue(ed_area: Any) -> None:
    attendance = _post(ed_area.nurse, _body()).json()
    body = {"outcome": "liaison", "notes": "x", "shared_with": "school_nurse"}
    assert _call(ed_area.nurse, f"/api/v1/ed-attendances/{attendance['id']}/review", body).status_code == 403


def test_a_discharge_without_a_version_is_refused_naming_it_and_saves_nothing(ed_area: Any) -> None:
    attendance = _in_department(ed_area)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=ed_area.nurse, by=Actor.system('test')).raw}"
    )
    path = f"/api/v1/ed-attendances/{attendance['id']}/discharge"
    response = client.post(path, DISCHARGE, content_type="application/json")
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["version"]
    saved = Attendance.objects.get(pk=attendance["id"])
    assert (saved.version, saved.status, saved.discharge_plan) == (attendance["version"], "in_department", "")
