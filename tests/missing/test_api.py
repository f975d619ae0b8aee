from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _episode(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "police_ref": "MFH-API-1",
        "category": "missing",
        "setting": "care",
        "risk": 2,
        "reported_at": "2026-11-18T09:00:00+00:00",
        "last_seen_at": "2026-11-18T07:00:00+00:00",
        "last_seen_place": "Warrenford Road children's home",
        "circumstances": "Left the home after breakfast and did not go to school.",
        "subject": {"given_names": "Tia", "family_name": "Okonjo-Smythe", "date_of_birth": "2011-04-03"},
    }
    body.update(kw)
    return body


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_an_episode_is_created_then_the_same_reference_returns_it(area: Any) -> None:
    client = _client(area.officer)
    first = _post(client, "/api/v1/missing-episodes", _episode())
    again = _post(client, "/api/v1/missing-episodes", _episode())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["strategy_meeting_due_at"].startswith("2026-11-20T07:00:00")


def test_a_return_is_recorded_and_repeating_it_is_harmless(area: Any) -> None:
    client = _client(area.officer)
    episode = _post(client, "/api/v1/missing-episodes", _episode()).json()
    body = {
        "returned_at": "2026-11-18T20:00:00+00:00",
        "found_place": "Halbury bus station",
        "found_by": "police",
    }
    first = _post(client, f"/api/v1/missing-episodes/{episode['id']}/return", body)
    again = _post(client, f"/api/v1/missing-episodes/{episode['id']}/return", body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["return_interview_due_at"].startswith("2026-11-21T20:00:00")


def test_a_return_for_an_unknown_episode_is_not_found(area: Any) -> None:
    body = {"returned_at": "2026-11-18T20:00:00+00:00", "found_place": "Home", "found_by": "self"}
    response = _post(_client(area.officer), "/api/v1/missing-episodes/999999/return", body)
    assert response.status_code == 404


def test_a_return_before_the_report_names_the_field(area: Any) -> None:
    client = _client(area.officer)
    episode = _post(client, "/api/v1/missing-episodes", _episode()).json()
    body = {"returned_at": "2026-11-18T08:00:00+00:00", "found_place": "Home", "found_by": "self"}
    response = _post(client, f"/api/v1/missing-episodes/{episode['id']}/return", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "returned_at"


def test_a_time_without_an_offset_is_refused(area: Any) -> None:
    response = _post(
        _client(area.officer), "/api/v1/missing-episodes", _episode(last_seen_at="2026-11-18T07:00")
    )
    assert response.status_code == 422


def test_an_overlapping_episode_for_the_same_child_is_refused(area: Any) -> None:
    client = _client(area.officer)
    first = _post(client, "/api/v1/missing-episodes", _episode()).json()
    assert first["person_id"]
    second = _post(client, "/api/v1/missing-episodes", _episode(police_ref="MFH-API-2"))
    assert second.status_code == 422
    assert second.json()["detail"][0]["field"] == "last_seen_at"


def test_a_social_worker_cannot_report_by_api(area: Any) -> None:
    response = _post(_client(area.social_worker), "/api/v1/missing-episodes", _episode())
    assert response.status_code == 403


def test_the_missing_now_list_is_available_to_partner_systems(area: Any) -> None:
    client = _client(area.officer)
    _post(client, "/api/v1/missing-episodes", _episode())
    listed = client.get("/api/v1/missing-episodes")
    assert [e["police_ref"] for e in listed.json()] == ["MFH-API-1"]


RETURN = {
    "returned_at": "2026-11-18T20:00:00+00:00",
    "found_place": "Halbury bus station",
    "found_by": "police",
}


def _returned(area: Any) -> dict[str, Any]:
    client = _client(area.officer)
    episode = _post(client, "/api/v1/missing-episodes", _episode()).json()
    return dict(_post(client, f"/api/v1/missing-episodes/{episode['id']}/return", RETURN).json())


def _interview_id(area: Any) -> int:
    _returned(area)
    queue = _client(area.rhi_worker).get("/api/v1/return-interviews")
    assert queue.status_code == 200
    return int(queue.json()[0]["id"])


def _step(area: Any, interview_id: int, **body: Any) -> Any:
    """One step, based on the interview as the service reads it now."""
    client = _client(area.rhi_worker)
    if "version" not in body:
        read = client.get(f"/api/v1/return-interviews/{interview_id}")
        body["version"] = read.json()["version"] if read.status_code == 200 else 1
    return _post(client, f"/api/v1/return-interviews/{interview_id}", body)


def test_a_search_update_regrades_the_risk(area: Any) -> None:
    client = _client(area.officer)
    episode = _post(client, "/api/v1/missing-episodes", _episode()).json()
    body = {
        "text": "Seen on CCTV getting into a car with two older males.",
        "risk": 3,
        "version": episode["version"],
    }
    response = _post(client, f"/api/v1/missing-episodes/{episode['id']}/updates", body)
    assert response.status_code == 200, response.json()
    assert response.json()["risk"] == 3 and response.json()["version"] == episode["version"] + 1


def test_a_stale_search_update_is_a_conflict(area: Any) -> None:
    client = _client(area.officer)
    episode = _post(client, "/api/v1/missing-episodes", _episode()).json()
    first = {"text": "Seen at the station.", "version": episode["version"]}
    assert _post(client, f"/api/v1/missing-episodes/{episode['id']}/updates", first).status_code == 200
    body = {"text": "Phone last pinged in Halbury.", "version": episode["version"]}
    response = _post(client, f"/api/v1/missing-episodes/{episode['id']}/updates", body)
    assert response.status_code == 409
    assert response.json()["attempted"]["text"] == "Phone last pinged in Halbury."


def test_an_update_after_the_return_is_refused_naming_the_field(area: Any) -> None:
    episode = _returned(area)
    body = {"text": "Late news", "version": episode["version"]}
    response = _post(_client(area.officer), f"/api/v1/missing-episodes/{episode['id']}/updates", body)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["text"]


def test_the_interview_service_offers_and_completes_an_interview_by_api(area: Any) -> None:
    interview = _interview_id(area)
    assert _step(area, interview, action="offer", at="2026-11-19T10:00:00+00:00").status_code == 200
    assert _step(area, interview, action="accept", at="2026-11-19T15:00:00+00:00").status_code == 200
    done = _step(
        area,
        interview,
        action="complete",
        at="2026-11-20T16:00:00+00:00",
        push_factors=["conflict_home"],
        pull_factors=["older_associates"],
        where_stayed="A flat in Halbury",
        who_with="Older lads from the estate",
        child_words="I went because they give me stuff and home is rubbish.",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["completed_at"].startswith("2026-11-20T16:00")
    assert _client(area.rhi_worker).get("/api/v1/return-interviews").json() == []


def test_completing_an_interview_without_the_childs_words_is_refused(area: Any) -> None:
    interview = _interview_id(area)
    _step(area, interview, action="offer", at="2026-11-19T10:00:00+00:00")
    _step(area, interview, action="accept", at="2026-11-19T15:00:00+00:00")
    response = _step(
        area, interview, action="complete", at="2026-11-20T16:00:00+00:00", push_factors=["conflict_home"]
    )
    assert response.status_code == 422
    assert "child_words" in [p["field"] for p in response.json()["detail"]]


def test_a_declined_interview_stays_open_until_a_follow_up_by_api(area: Any) -> None:
    interview = _interview_id(area)
    _step(area, interview, action="offer", at="2026-11-19T10:00:00+00:00")
    _step(area, interview, action="decline", at="2026-11-19T11:00:00+00:00")
    assert [i["id"] for i in _client(area.rhi_worker).get("/api/v1/return-interviews").json()] == [interview]
    followed = _step(
        area, interview, action="follow_up", follow_up="Social worker to visit with the school nurse."
    )
    assert followed.status_code == 200
    assert _client(area.rhi_worker).get("/api/v1/return-interviews").json() == []


def test_only_the_interview_service_records_interviews(area: Any) -> None:
    interview = _interview_id(area)
    body = {"action": "offer", "at": "2026-11-19T10:00:00+00:00", "version": 1}
    assert _post(_client(area.officer), f"/api/v1/return-interviews/{interview}", body).status_code == 403
