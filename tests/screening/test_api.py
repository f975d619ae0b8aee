"""POST /api/v1/screenings: good and bad input, idempotent on the sender's reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.screening import selectors, services

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source_system": "school-mis",
        "external_ref": "SCR-1",
        "tool_version": 1,
        "subject": {"given_names": "Kayden", "family_name": "Moss", "date_of_birth": "2011-03-07"},
        "answers": [
            {"indicator": "cce_missing", "evidence": "Missing twice this month."},
            {"indicator": "v_school", "evidence": "Attendance 60%."},
        ],
        "child_voice": "School is boring.",
        "analysis": "Emerging concerns.",
        "judgement": "low",
        "judgement_reason": "Two indicators; plan agreed with family.",
    }
    body.update(overrides)
    return body


def _post(user: Any, body: dict[str, Any]) -> Any:
    return _client(user).post("/api/v1/screenings", body, content_type="application/json")


def test_a_screening_is_accepted_and_reaches_the_front_door(ed_area: Any) -> None:
    response = _post(ed_area.education, _body())
    assert response.status_code == 201, response.json()
    out = response.json()
    assert (out["level"], out["judgement"], out["status"]) == ("low", "low", "complete")
    assert out["contact_id"]


def test_the_same_reference_returns_the_first_screening(ed_area: Any) -> None:
    first = _post(ed_area.education, _body()).json()
    again = _post(ed_area.education, _body(analysis="Changed"))
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


def test_a_retired_tool_version_is_refused_naming_the_field(ed_area: Any) -> None:
    current = selectors.active_tool_version()
    assert current is not None
    services.tool_publish(definition=current.definition, change_note="v2", by=ed_area.admin)
    response = _post(ed_area.education, _body(tool_version=1))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "tool_version" and "retired" in problem["msg"]


def test_missing_evidence_is_refused_naming_the_indicator(ed_area: Any) -> None:
    body = _body(answers=[{"indicator": "cce_missing", "evidence": ""}])
    response = _post(ed_area.education, body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "cce_missing"
    assert problem["loc"] == ["body", "answers", "cce_missing", "evidence"]


def test_a_judgement_without_a_reason_is_refused_naming_the_field(ed_area: Any) -> None:
    response = _post(ed_area.education, _body(judgement_reason=""))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["judgement_reason"]


def test_an_unknown_judgement_is_refused(ed_area: Any) -> None:
    response = _post(ed_area.education, _body(judgement="fine"))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["judgement"]


def test_a_lower_judgement_is_accepted_and_awaits_a_manager(ed_area: Any) -> None:
    body = _body(
        answers=[{"indicator": "cse_disclosure", "evidence": "Disclosed exchanging sex for vapes."}],
        judgement="low",
    )
    out = _post(ed_area.education, body).json()
    assert out["needs_agreement"] is True and out["status"] == "awaiting_agreement"


def test_a_role_that_cannot_screen_is_refused(ed_area: Any, make_user: Any) -> None:
    from mace.accounts.models import Role

    assert _post(make_user(Role.EXECUTIVE), _body()).status_code == 403


def test_a_child_the_sender_works_with_can_be_named_by_id(ed_area: Any) -> None:
    body = _body(person_id=ed_area.child.pk)
    del body["subject"]
    out = _post(ed_area.education, body).json()
    assert out["person_id"] == ed_area.child.pk


def test_a_child_the_sender_does_not_work_with_is_refused_like_a_missing_one(ed_area: Any) -> None:
    from ..factories import PersonFactory

    stranger = PersonFactory(partnership=ed_area.partnership)
    body = _body(person_id=stranger.pk)
    response = _post(ed_area.education, body)
    missing = _post(ed_area.education, _body(person_id=stranger.pk + 10_000, external_ref="SCR-2"))
    assert response.status_code == missing.status_code == 422
    assert response.json() == missing.json()
