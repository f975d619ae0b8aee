"""POST /api/v1/screenings: good and bad input, idempotent on the sender's reference."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.screening import selectors, services
from mace.screening.models import Screening

from . import conftest

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


def _awaiting(area: Any) -> Any:
    data = conftest.screening_in(
        person=area.child,
        answers={"cce_county_lines": "Found with wraps and a phone receiving calls all night."},
        judgement=1,
    )
    screening, _ = services.screening_complete(data=data, partnership=area.partnership, by=area.education)
    return screening


def _agree(user: Any, screening_id: int, body: dict[str, Any]) -> Any:
    """An agreement based on the screening as saved now, unless the body names a version."""
    saved = Screening.objects.filter(pk=screening_id).values_list("version", flat=True).first()
    body = {"version": saved or 1, **body}
    return _client(user).post(
        f"/api/v1/screenings/{screening_id}/agreement", body, content_type="application/json"
    )


def test_a_manager_sees_judgements_waiting_for_agreement(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    listed = _client(ed_area.manager).get("/api/v1/screenings/awaiting-agreement")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == [screening.pk]


def test_a_manager_agrees_a_judgement_by_api_and_the_screening_is_complete(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    response = _agree(ed_area.manager, screening.pk, {"agree": True, "note": "Police are already involved."})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "complete"


def test_a_manager_changes_a_judgement_by_api(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    body = {"agree": False, "judgement": "high", "note": "County lines: this is high risk."}
    response = _agree(ed_area.manager, screening.pk, body)
    assert response.json()["judgement"] == "high"


def test_an_agreement_without_a_note_is_refused_naming_the_field(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    response = _agree(ed_area.manager, screening.pk, {"agree": True, "note": " "})
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["note"]


def test_a_stale_agreement_is_a_conflict_that_saves_nothing(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    body = {"agree": True, "note": "Agreed.", "version": screening.version - 1}
    response = _agree(ed_area.manager, screening.pk, body)
    assert response.status_code == 409
    assert response.json()["current_version"] == screening.version
    assert Screening.objects.get(pk=screening.pk).status == Screening.Status.AWAITING_AGREEMENT


def test_a_practitioner_cannot_agree_by_api(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    assert _agree(ed_area.nurse, screening.pk, {"agree": True, "note": "Fine"}).status_code == 403


def test_an_agreement_for_a_screening_the_manager_cannot_see_is_not_found(ed_area: Any) -> None:
    assert _agree(ed_area.manager, 999_999, {"agree": True, "note": "Fine"}).status_code == 404


def test_agreeing_twice_is_refused_as_a_whole_record_problem(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    _agree(ed_area.manager, screening.pk, {"agree": True, "note": "Agreed."})
    again = _agree(ed_area.manager, screening.pk, {"agree": True, "note": "Agreed."})
    assert again.status_code == 422
    assert again.json()["detail"] == [
        {"loc": ["body"], "field": "", "msg": "This screening is not waiting for agreement"}
    ]


def test_an_agreement_without_a_version_is_refused_naming_it_and_saves_nothing(ed_area: Any) -> None:
    screening = _awaiting(ed_area)
    response = _client(ed_area.manager).post(
        f"/api/v1/screenings/{screening.pk}/agreement",
        {"agree": True, "note": "Agreed."},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["version"]
    saved = Screening.objects.get(pk=screening.pk)
    assert (saved.version, saved.status) == (screening.version, Screening.Status.AWAITING_AGREEMENT)
