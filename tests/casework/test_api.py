from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.casework import services
from mace.casework.models import TimetableSession
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry

from ..conftest import sign_in
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
THIS_WEEK = date(2026, 11, 16)


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


@pytest.fixture(autouse=True)
def _friday() -> Any:
    with time_machine.travel("2026-11-20T15:00:00+00:00", tick=False):
        yield


def test_the_timetable_weeks_are_available_to_partner_systems(area: Any) -> None:
    sessions = [
        services.session_add(
            person=area.child,
            data=services.SessionIn(
                d, time(9, 30), time(10, 30), "tuition", "Home Tuition", THIS_WEEK - timedelta(weeks=4)
            ),
            by=area.officer,
        )
        for d in range(3)
    ]
    services.week_attendance_record(
        person=area.child,
        data=services.WeekIn(THIS_WEEK, {s.pk: services.Mark(True) for s in sessions}),
        by=area.officer,
    )
    body = _client(area.officer).get(f"/api/v1/casework/children/{area.child.pk}/timetable").json()
    week = next(w for w in body["weeks"] if w["week_starting"] == THIS_WEEK.isoformat())
    assert (week["attended"], week["tuition_hours"], week["below_target"]) == (3, 3.0, True)


def test_a_stranger_gets_404_for_a_childs_timetable(area: Any) -> None:
    response = _client(UserFactory()).get(f"/api/v1/casework/children/{area.child.pk}/timetable")
    assert response.status_code == 404


def test_supervision_compliance_is_for_managers_and_aggregate_roles(area: Any) -> None:
    assert _client(area.manager).get("/api/v1/casework/supervision").status_code == 200
    assert _client(area.worker).get("/api/v1/casework/supervision").status_code == 403


def test_caseloads_count_the_allocated_children_by_team(area: Any) -> None:
    body = _client(area.manager).get("/api/v1/casework/caseloads").json()
    assert {"team": "Exploitation Team", "children": 1} in body


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def _visit(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "visited_on": "2026-11-19",
        "seen": True,
        "seen_alone": True,
        "place": "Home",
        "child_words": "School is better since I moved class.",
        "observations": "Relaxed, talked about football; room tidy.",
    }
    body.update(kw)
    return body


def _supervision(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_on": "2026-11-20",
        "attendees": "Team manager, social worker",
        "reflection": "Missing episodes have stopped since the move.",
        "safer": "partly",
        "analysis": "Safer at home; still in contact with the older males through social media.",
        "actions": [{"text": "Disruption notice", "owner": "PC Hale", "due_on": "2026-12-04"}],
    }
    body.update(kw)
    return body


def _sessions(area: Any, days: range = range(3)) -> list[Any]:
    return [
        services.session_add(
            person=area.child,
            data=services.SessionIn(
                d, time(9, 30), time(10, 30), "tuition", "Home Tuition", THIS_WEEK - timedelta(weeks=4)
            ),
            by=area.officer,
        )
        for d in days
    ]


def _week_url(area: Any, week: date = THIS_WEEK) -> str:
    return f"/api/v1/casework/children/{area.child.pk}/timetable/weeks/{week.isoformat()}"


# Visits --------------------------------------------------------------------------------------------


def test_a_visit_is_recorded_with_201(area: Any) -> None:
    response = _post(_client(area.worker), f"/api/v1/casework/children/{area.child.pk}/visits", _visit())
    assert response.status_code == 201
    body = response.json()
    assert (body["person_id"], body["seen_alone"], body["child_words"]) == (
        area.child.pk,
        True,
        "School is better since I moved class.",
    )


def test_a_visit_in_the_future_is_refused_naming_visited_on(area: Any) -> None:
    response = _post(
        _client(area.worker),
        f"/api/v1/casework/children/{area.child.pk}/visits",
        _visit(visited_on="2026-11-21"),
    )
    assert response.status_code == 422
    assert [(p["field"], p["msg"]) for p in response.json()["detail"]] == [
        ("visited_on", "The visit cannot be in the future")
    ]


def test_a_child_not_seen_cannot_have_their_words_recorded(area: Any) -> None:
    response = _post(
        _client(area.worker),
        f"/api/v1/casework/children/{area.child.pk}/visits",
        _visit(seen=False, seen_alone=None),
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["child_words"]


def test_a_role_that_does_not_record_visits_gets_403(area: Any) -> None:
    response = _post(_client(area.officer), f"/api/v1/casework/children/{area.child.pk}/visits", _visit())
    assert response.status_code == 403


def test_a_visit_recorded_through_the_api_is_in_the_access_log(area: Any) -> None:
    visit = _post(_client(area.worker), f"/api/v1/casework/children/{area.child.pk}/visits", _visit()).json()
    entry = AccessLogEntry.objects.get(object_type="visit", object_id=str(visit["id"]))
    assert (entry.action, entry.actor, entry.person_id) == ("create", area.worker, area.child.pk)


# Timetable attendance ------------------------------------------------------------------------------


def test_a_weeks_attendance_is_recorded_and_answers_the_weeks_figures(area: Any) -> None:
    monday, tuesday, wednesday = _sessions(area)
    marks = [
        {"session_id": monday.pk, "attended": True},
        {"session_id": tuesday.pk, "attended": True},
        {"session_id": wednesday.pk, "attended": False, "reason": "Unwell"},
    ]
    response = _post(_client(area.officer), _week_url(area), {"marks": marks})
    assert response.status_code == 200
    body = response.json()
    assert (body["attended"], body["missed"], body["tuition_hours"], body["below_target"]) == (
        2,
        1,
        2.0,
        True,
    )


def test_a_missed_session_without_a_reason_is_refused_naming_its_mark(area: Any) -> None:
    monday, tuesday, wednesday = _sessions(area)
    marks = [
        {"session_id": monday.pk, "attended": True},
        {"session_id": tuesday.pk, "attended": False},
        {"session_id": wednesday.pk, "attended": True},
    ]
    response = _post(_client(area.officer), _week_url(area), {"marks": marks})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["field"], problem["session_id"]) == (
        ["body", "marks", 1, "reason"],
        "reason",
        tuesday.pk,
    )


def test_a_session_that_has_happened_but_is_not_marked_is_refused(area: Any) -> None:
    monday, tuesday, wednesday = _sessions(area)
    marks = [{"session_id": monday.pk, "attended": True}, {"session_id": tuesday.pk, "attended": True}]
    response = _post(_client(area.officer), _week_url(area), {"marks": marks})
    assert response.status_code == 422
    assert [(p["field"], p["session_id"]) for p in response.json()["detail"]] == [("marks", wednesday.pk)]


def test_a_week_that_does_not_start_on_a_monday_is_refused_naming_week_starting(area: Any) -> None:
    monday, *_ = _sessions(area)
    response = _post(
        _client(area.officer),
        _week_url(area, THIS_WEEK + timedelta(days=1)),
        {"marks": [{"session_id": monday.pk, "attended": True}]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "week_starting"]


def test_a_role_that_does_not_keep_timetables_gets_403(area: Any) -> None:
    monday, *_ = _sessions(area)
    police = UserFactory(roles=[Role.POLICE_OFFICER])
    response = _post(
        _client(police), _week_url(area), {"marks": [{"session_id": monday.pk, "attended": True}]}
    )
    assert response.status_code == 403


# Supervision ---------------------------------------------------------------------------------------


def test_supervision_is_recorded_with_201_with_its_actions(area: Any) -> None:
    response = _post(
        _client(area.manager), f"/api/v1/casework/children/{area.child.pk}/supervisions", _supervision()
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["worker"], body["safer"], body["actions"]) == (
        str(area.worker),
        "partly",
        [{"text": "Disruption notice", "owner": "PC Hale", "due_on": "2026-12-04"}],
    )


def test_supervision_without_the_managers_analysis_is_refused(area: Any) -> None:
    response = _post(
        _client(area.manager),
        f"/api/v1/casework/children/{area.child.pk}/supervisions",
        _supervision(analysis=" "),
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["analysis"]


def test_supervision_without_the_answer_to_is_the_child_safer_is_refused(area: Any) -> None:
    body = _supervision()
    del body["safer"]
    response = _post(_client(area.manager), f"/api/v1/casework/children/{area.child.pk}/supervisions", body)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["safer"]


def test_a_supervision_action_without_an_owner_is_refused(area: Any) -> None:
    response = _post(
        _client(area.manager),
        f"/api/v1/casework/children/{area.child.pk}/supervisions",
        _supervision(actions=[{"text": "Disruption notice", "due_on": "2026-12-04"}]),
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert (problem["loc"], problem["msg"]) == (
        ["body", "actions", 0],
        "Action 1: every action needs an owner",
    )


def test_a_worker_who_does_not_supervise_gets_403(area: Any) -> None:
    response = _post(
        _client(area.worker), f"/api/v1/casework/children/{area.child.pk}/supervisions", _supervision()
    )
    assert response.status_code == 403


@pytest.mark.parametrize("route", ["visits", "timetable/weeks/2026-11-16", "supervisions"])
def test_a_manager_with_no_relationship_to_the_child_gets_404(area: Any, route: str) -> None:
    sessions = _sessions(area)
    body = {
        "visits": _visit(),
        "timetable/weeks/2026-11-16": {"marks": [{"session_id": s.pk, "attended": True} for s in sessions]},
        "supervisions": _supervision(),
    }[route]
    stranger = UserFactory(roles=[Role.TEAM_MANAGER])
    response = _post(_client(stranger), f"/api/v1/casework/children/{area.child.pk}/{route}", body)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})


# Sessions and placement moves ------------------------------------------------------------------------

SESSION = {
    "weekday": 2,
    "starts_at": "13:00",
    "ends_at": "15:00",
    "kind": "education",
    "provider": "Halbury Pupil Referral Unit",
    "active_from": "2026-11-02",
}


def test_a_session_is_added_through_the_api(area: Any) -> None:
    response = _post(
        _client(area.officer), f"/api/v1/casework/children/{area.child.pk}/timetable/sessions", SESSION
    )
    assert response.status_code == 201, response.json()
    assert TimetableSession.objects.get(pk=response.json()["id"]).provider == "Halbury Pupil Referral Unit"


def test_a_session_that_ends_before_it_starts_is_refused_naming_ends_at(area: Any) -> None:
    body = {**SESSION, "ends_at": "12:00"}
    response = _post(
        _client(area.officer), f"/api/v1/casework/children/{area.child.pk}/timetable/sessions", body
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["ends_at"]


def test_an_ended_session_is_no_longer_planned_after_its_last_day(area: Any) -> None:
    (session,) = _sessions(area, range(1))
    path = f"/api/v1/casework/children/{area.child.pk}/timetable/sessions/{session.pk}/end"
    response = _post(_client(area.officer), path, {"last_day": (THIS_WEEK - timedelta(days=7)).isoformat()})
    assert response.status_code == 200, response.json()
    weeks = _client(area.officer).get(f"/api/v1/casework/children/{area.child.pk}/timetable").json()["weeks"]
    planned = {w["week_starting"]: w["planned"] for w in weeks}
    assert planned[THIS_WEEK.isoformat()] == 0
    assert planned[(THIS_WEEK - timedelta(weeks=1)).isoformat()] == 1


def test_a_session_cannot_end_before_it_began_or_twice(area: Any) -> None:
    (session,) = _sessions(area, range(1))
    path = f"/api/v1/casework/children/{area.child.pk}/timetable/sessions/{session.pk}/end"
    early = _post(_client(area.officer), path, {"last_day": "2026-01-01"})
    assert early.status_code == 422 and early.json()["detail"][0]["field"] == "last_day"
    _post(_client(area.officer), path, {"last_day": THIS_WEEK.isoformat()})
    again = _post(_client(area.officer), path, {"last_day": THIS_WEEK.isoformat()})
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == ""


def test_a_placement_move_is_recorded_through_the_api(area: Any) -> None:
    body = {"kind": "residential", "description": "Oak House, Warrenford", "started_on": "2026-11-10"}
    response = _post(_client(area.officer), f"/api/v1/casework/children/{area.child.pk}/placements", body)
    assert response.status_code == 201, response.json()
    weeks = _client(area.officer).get(f"/api/v1/casework/children/{area.child.pk}/timetable").json()["weeks"]
    assert any(w["placement_moves"] for w in weeks)


def test_a_role_that_does_not_keep_timetables_cannot_plan_sessions(area: Any) -> None:
    path = f"/api/v1/casework/children/{area.child.pk}/timetable/sessions"
    assert _post(_client(UserFactory(roles=[Role.POLICE_OFFICER])), path, SESSION).status_code == 403


def test_the_end_session_page_ends_a_session(area: Any) -> None:
    (session,) = _sessions(area, range(1))
    client = Client()
    sign_in(client, area.officer)
    path = f"/casework/children/{area.child.pk}/timetable/sessions/{session.pk}/end/"
    assert client.get(path).status_code == 200
    refused = client.post(path, {"last_day": "", "last_month": "", "last_year": ""})
    assert refused.status_code == 400 and "Enter the date of the last session" in refused.content.decode()
    done = client.post(path, {"last_day": "13", "last_month": "11", "last_year": "2026"})
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.active_until == date(2026, 11, 13)
