from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.meetings import services
from mace.meetings.models import Meeting, MeetingAction
from mace.missing import services as missing_services
from mace.missing.models import StrategyRequirement
from tests.versions import saved_version

from ..factories import PersonFactory, UserFactory
from ..missing.conftest import report
from .conftest import NOW, schedule

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _send(user: Any, path: str, body: dict[str, Any] | None = None, method: str = "post") -> Any:
    send = getattr(_client(user), method)
    return send(f"/api/v1/meetings{path}", data=json.dumps(body or {}), content_type="application/json")


def _arrange(area: Any, **kw: Any) -> dict[str, Any]:
    body = {
        "kind": "strategy",
        "scheduled_at": (NOW - timedelta(days=2)).isoformat(),
        "purpose": "Significant harm suspected: older males, missing overnight.",
        "child_ids": [area.child.pk],
        **kw,
    }
    return body


def _hold_body(meeting: Meeting, **kw: Any) -> dict[str, Any]:
    return {
        "version": meeting.version,
        "held_at": meeting.scheduled_at.isoformat(),
        "attendance": {str(i.pk): True for i in meeting.invitations.all()},
        "decision": "Section 47 enquiry: the threshold of significant harm is met.",
        "section_47": True,
        **kw,
    }


def _held(area: Any, minutes: str = "") -> Meeting:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    meeting = services.meeting_hold(
        meeting=meeting,
        data=services.HeldIn(
            held_at=meeting.scheduled_at, attendance={}, decision="No s47.", section_47=False
        ),
        by=area.manager,
        version=saved_version(meeting),
    )
    if minutes:
        meeting = services.minutes_write(
            meeting=meeting, minutes=minutes, by=area.manager, version=saved_version(meeting)
        )
    return meeting


def _fields(response: Any) -> set[str]:
    return {p["field"] for p in response.json()["detail"]}


# Reading ---------------------------------------------------------------------------------------------


def test_a_meeting_with_its_invitations_and_minutes_status(area: Any) -> None:
    meeting = _held(area)
    body = _client(area.social_worker).get(f"/api/v1/meetings/{meeting.pk}").json()
    assert body["status"] == "held" and body["section_47"] is False
    assert body["child_ids"] == [area.child.pk]
    assert body["minutes_due_at"].startswith((meeting.scheduled_at + timedelta(days=10)).date().isoformat())
    assert len(body["invitations"]) == meeting.invitations.count()
    assert body["version"] == meeting.version


def test_a_stranger_gets_404_for_a_meeting(area: Any) -> None:
    meeting = schedule(area)
    assert _client(UserFactory()).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404


def test_minutes_compliance_figures_are_available(area: Any) -> None:
    body = _client(area.manager).get("/api/v1/meetings/minutes-compliance").json()
    assert set(body) == {"since", "until", "overall", "by_team", "by_month"}
    assert _client(UserFactory()).get("/api/v1/meetings/minutes-compliance").status_code == 403


# Arranging -------------------------------------------------------------------------------------------


def test_a_meeting_is_arranged_with_every_professional_invited(area: Any) -> None:
    response = _send(area.manager, "", _arrange(area))
    body = response.json()
    assert response.status_code == 201, body
    assert (body["kind"], body["status"], body["version"]) == ("strategy", "scheduled", 1)
    assert body["child_ids"] == [area.child.pk]
    invited = {i["user_id"]: i for i in body["invitations"]}
    assert {area.manager.pk, area.social_worker.pk} <= set(invited)
    meeting = Meeting.objects.get(pk=body["id"])
    assert {i["id"] for i in body["invitations"]} == set(meeting.invitations.values_list("pk", flat=True))


def test_a_mace_panel_may_review_places_without_naming_children(area: Any) -> None:
    response = _send(
        area.manager, "", _arrange(area, kind="mace", child_ids=[], places="Halbury bus station")
    )
    assert response.status_code == 201, response.json()
    assert response.json()["places"] == "Halbury bus station"


def test_a_meeting_for_a_child_missing_48_hours_is_arranged_from_the_requirement(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    response = _send(area.manager, "", _arrange(area, child_ids=[], requirement_id=requirement.pk))
    assert response.status_code == 201, response.json()
    assert response.json()["origin"] == "missing_48h"
    assert response.json()["child_ids"] == [area.child.pk]


def test_a_child_the_user_may_not_see_is_refused_naming_child_ids(area: Any) -> None:
    elsewhere = PersonFactory(partnership=area.partnership)
    response = _send(area.manager, "", _arrange(area, child_ids=[area.child.pk, elsewhere.pk]))
    assert response.status_code == 422
    assert _fields(response) == {"child_ids"}
    assert not Meeting.objects.exists()
    assert AccessLogEntry.objects.filter(
        actor=area.manager, action="deny", object_id=str(elsewhere.pk)
    ).exists()


def test_a_forbidden_child_and_a_missing_child_are_refused_alike(area: Any) -> None:
    elsewhere = PersonFactory(partnership=area.partnership)
    forbidden = _send(area.manager, "", _arrange(area, child_ids=[elsewhere.pk])).json()
    missing = _send(area.manager, "", _arrange(area, child_ids=[elsewhere.pk + 100000])).json()
    assert forbidden["detail"][0]["msg"].replace(str(elsewhere.pk), "ID") == missing["detail"][0][
        "msg"
    ].replace(str(elsewhere.pk + 100000), "ID")


def test_a_meeting_with_no_child_to_discuss_is_refused_by_the_service_rule(area: Any) -> None:
    response = _send(area.manager, "", _arrange(area, child_ids=[]))
    assert response.status_code == 422
    assert _fields(response) == {"child_ids"}


@pytest.mark.parametrize("endpoint", ["arrange", "held"])
def test_a_time_without_a_utc_offset_is_refused_naming_the_field(area: Any, endpoint: str) -> None:
    if endpoint == "arrange":
        response = _send(area.manager, "", _arrange(area, scheduled_at="2026-11-20T14:00:00"))
        field = "scheduled_at"
    else:
        meeting = schedule(area, at=NOW - timedelta(days=2))
        body = _hold_body(meeting, held_at="2026-11-16T10:00:00")
        response = _send(area.manager, f"/{meeting.pk}/held", body)
        field = "held_at"
    assert response.status_code == 422
    assert _fields(response) == {field}
    assert "UTC offset" in response.json()["detail"][0]["msg"]


def test_an_early_help_practitioner_cannot_arrange_the_48_hour_meeting(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    early_help = UserFactory(team=area.social_work, agency=area.council, roles=[Role.EARLY_HELP_PRACTITIONER])
    response = _send(early_help, "", _arrange(area, requirement_id=requirement.pk))
    assert response.status_code == 403
    assert not Meeting.objects.exists()


# Holding ---------------------------------------------------------------------------------------------


def test_the_meeting_is_recorded_as_held_with_attendance(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    invitation = meeting.invitations.get(user=area.social_worker)
    body = _hold_body(meeting, attendance={str(invitation.pk): False})
    response = _send(area.manager, f"/{meeting.pk}/held", body)
    assert response.status_code == 200, response.json()
    out = response.json()
    assert (out["status"], out["section_47"], out["version"]) == ("held", True, meeting.version + 1)
    assert {i["id"]: i["attended"] for i in out["invitations"]}[invitation.pk] is False


def test_attendance_for_a_meeting_not_yet_held_is_refused_naming_held_at(area: Any) -> None:
    meeting = schedule(area, at=timezone.now() + timedelta(days=3))
    body = _hold_body(meeting, held_at=(timezone.now() + timedelta(hours=2)).isoformat())
    response = _send(area.manager, f"/{meeting.pk}/held", body)
    assert response.status_code == 422
    assert _fields(response) == {"held_at"}
    assert "has not happened yet" in response.json()["detail"][0]["msg"]
    assert not meeting.invitations.filter(attended__isnull=False).exists()


def test_attendance_for_someone_not_invited_is_refused(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    response = _send(area.manager, f"/{meeting.pk}/held", _hold_body(meeting, attendance={"999999": True}))
    assert response.status_code == 422
    assert _fields(response) == {"attendance"}


def test_a_stale_version_is_a_conflict_showing_the_version_saved_and_the_attempt(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    stale = _hold_body(meeting, decision="Our decision")
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
    response = _send(area.manager, f"/{meeting.pk}/held", stale)
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == meeting.version + 1
    assert body["attempted"]["decision"] == "Our decision"
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.SCHEDULED


# Minutes ---------------------------------------------------------------------------------------------


def test_minutes_are_written(area: Any) -> None:
    meeting = _held(area)
    response = _send(
        area.manager, f"/{meeting.pk}/minutes", {"version": meeting.version, "minutes": "Agreed: s47."}, "put"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["minutes"] == "Agreed: s47."
    assert response.json()["version"] == meeting.version + 1


def test_stale_minutes_are_a_conflict(area: Any) -> None:
    meeting = _held(area, minutes="First draft")
    body = {"version": meeting.version - 1, "minutes": "Overwrite"}
    response = _send(area.manager, f"/{meeting.pk}/minutes", body, "put")
    assert response.status_code == 409
    assert response.json()["current_version"] == meeting.version
    assert response.json()["attempted"]["minutes"] == "Overwrite"
    assert Meeting.objects.get(pk=meeting.pk).minutes == "First draft"


def test_minutes_are_shared_with_invitees_and_each_share_is_recorded(area: Any) -> None:
    meeting = _held(area, minutes="Agreed: no s47.")
    invitations = list(meeting.invitations.all())
    body = {"invitation_ids": [i.pk for i in invitations]}
    response = _send(area.manager, f"/{meeting.pk}/minutes/share", body)
    assert response.status_code == 200, response.json()
    assert all(i["minutes_shared_at"] for i in response.json()["invitations"])
    assert response.json()["minutes_shared_at"] is not None
    entry = AccessLogEntry.objects.filter(
        action="update", object_type="meeting", object_id=str(meeting.pk)
    ).last()
    assert entry is not None and set(entry.detail["shared_with"]) == {i.user_id for i in invitations}


def test_minutes_may_be_shared_by_user_id(area: Any) -> None:
    meeting = _held(area, minutes="Agreed: no s47.")
    response = _send(area.manager, f"/{meeting.pk}/minutes/share", {"user_ids": [area.social_worker.pk]})
    assert response.status_code == 200, response.json()
    assert meeting.invitations.get(user=area.social_worker).minutes_shared_at is not None


def test_minutes_shared_with_someone_not_invited_are_refused_with_the_reason(area: Any) -> None:
    meeting = _held(area, minutes="Agreed: no s47.")
    outsider = UserFactory()
    body = {"user_ids": [area.social_worker.pk, outsider.pk]}
    response = _send(area.manager, f"/{meeting.pk}/minutes/share", body)
    assert response.status_code == 422
    assert _fields(response) == {"user_ids"}
    assert "not invited" in response.json()["detail"][0]["msg"]
    assert not meeting.invitations.filter(minutes_shared_at__isnull=False).exists()


def test_sharing_again_keeps_the_first_share_time(area: Any) -> None:
    meeting = _held(area, minutes="Agreed: no s47.")
    path = f"/{meeting.pk}/minutes/share"
    first = _send(area.manager, path, {"user_ids": [area.social_worker.pk]}).json()
    again = _send(area.manager, path, {"user_ids": [area.social_worker.pk]}).json()

    def shared(body: dict[str, Any]) -> Any:
        return {i["user_id"]: i["minutes_shared_at"] for i in body["invitations"]}[area.social_worker.pk]

    assert shared(first) == shared(again) is not None


def test_minutes_cannot_be_shared_before_they_are_written(area: Any) -> None:
    meeting = _held(area)
    response = _send(area.manager, f"/{meeting.pk}/minutes/share", {"user_ids": [area.social_worker.pk]})
    assert response.status_code == 422
    assert _fields(response) == {"user_ids"}


# Actions ---------------------------------------------------------------------------------------------


def test_an_action_is_added_with_its_owner(area: Any) -> None:
    meeting = _held(area)
    body = {"description": "Visit at home", "owner_id": area.social_worker.pk, "due_on": "2026-11-25"}
    response = _send(area.manager, f"/{meeting.pk}/actions", body)
    assert response.status_code == 201, response.json()
    out = response.json()
    assert (out["owner_id"], out["person_id"], out["due_on"]) == (
        area.social_worker.pk,
        area.child.pk,
        "2026-11-25",
    )


def test_an_action_without_an_owner_is_refused_naming_the_owner(area: Any) -> None:
    meeting = _held(area)
    response = _send(area.manager, f"/{meeting.pk}/actions", {"description": "Visit", "due_on": "2026-11-25"})
    assert response.status_code == 422
    assert _fields(response) == {"owner_id"}
    assert not MeetingAction.objects.exists()


def test_an_action_owned_by_someone_not_invited_is_refused(area: Any) -> None:
    meeting = _held(area)
    body = {"description": "Visit", "owner_id": UserFactory().pk, "due_on": "2026-11-25"}
    response = _send(area.manager, f"/{meeting.pk}/actions", body)
    assert response.status_code == 422
    assert _fields(response) == {"owner_id"}


def test_an_action_is_completed_by_its_owner(area: Any) -> None:
    meeting = _held(area)
    action = services.action_add(
        meeting=meeting, description="Visit", owner=area.social_worker, due_on=NOW.date(), by=area.manager
    )
    response = _send(area.social_worker, f"/actions/{action.pk}/complete")
    assert response.status_code == 200, response.json()
    assert response.json()["completed_at"] is not None


def test_completing_an_action_twice_changes_nothing(area: Any) -> None:
    meeting = _held(area)
    action = services.action_add(
        meeting=meeting, description="Visit", owner=area.social_worker, due_on=NOW.date(), by=area.manager
    )
    first = _send(area.social_worker, f"/actions/{action.pk}/complete").json()
    logged = AccessLogEntry.objects.latest("pk").pk
    again = _send(area.social_worker, f"/actions/{action.pk}/complete")
    assert again.status_code == 200
    assert again.json()["completed_at"] == first["completed_at"]
    assert not AccessLogEntry.objects.filter(pk__gt=logged, action="update").exists()


def test_an_action_on_a_meeting_the_user_cannot_see_is_404(area: Any) -> None:
    meeting = _held(area)
    action = services.action_add(
        meeting=meeting, description="Visit", owner=area.social_worker, due_on=NOW.date(), by=area.manager
    )
    stranger = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert _send(stranger, f"/actions/{action.pk}/complete").status_code == 404
    assert _send(stranger, "/actions/999999/complete").status_code == 404


# Access ----------------------------------------------------------------------------------------------

WRITES = ["arrange", "held", "minutes", "share", "action"]


def _write(user: Any, area: Any, meeting: Meeting, endpoint: str) -> Any:
    if endpoint == "arrange":
        return _send(user, "", _arrange(area))
    if endpoint == "held":
        return _send(user, f"/{meeting.pk}/held", _hold_body(meeting))
    if endpoint == "minutes":
        return _send(user, f"/{meeting.pk}/minutes", {"version": meeting.version, "minutes": "M"}, "put")
    if endpoint == "share":
        return _send(user, f"/{meeting.pk}/minutes/share", {"user_ids": [area.manager.pk]})
    body = {"description": "Visit", "owner_id": area.manager.pk, "due_on": "2026-11-25"}
    return _send(user, f"/{meeting.pk}/actions", body)


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_role_without_the_meetings_capability_gets_403(area: Any, endpoint: str) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    response = _write(area.rhi_worker, area, meeting, endpoint)
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).version == meeting.version


@pytest.mark.parametrize("endpoint", WRITES[1:])
def test_a_user_with_no_relationship_to_the_child_gets_404(area: Any, endpoint: str) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    stranger = UserFactory(roles=[Role.SOCIAL_WORKER])
    response = _write(stranger, area, meeting, endpoint)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found"})


@pytest.mark.parametrize("endpoint", WRITES[1:])
def test_an_invitee_outside_the_meetings_team_may_read_it_but_not_change_it(
    area: Any, on_rota: Any, endpoint: str
) -> None:
    meeting = schedule(area)  # on the rota's day: the officer is invited
    assert _client(on_rota).get(f"/api/v1/meetings/{meeting.pk}").status_code == 200
    assert _write(on_rota, area, meeting, endpoint).status_code == 403


def test_every_change_through_the_api_is_in_the_access_log(area: Any) -> None:
    meeting_id = _send(area.manager, "", _arrange(area)).json()["id"]
    meeting = Meeting.objects.get(pk=meeting_id)
    _send(area.manager, f"/{meeting_id}/held", _hold_body(meeting))
    _send(area.manager, f"/{meeting_id}/minutes", {"version": meeting.version + 1, "minutes": "M"}, "put")
    _send(area.manager, f"/{meeting_id}/minutes/share", {"user_ids": [area.social_worker.pk]})
    action_id = _send(
        area.manager,
        f"/{meeting_id}/actions",
        {"description": "Visit", "owner_id": area.social_worker.pk, "due_on": "2026-11-25"},
    ).json()["id"]
    _send(area.manager, f"/actions/{action_id}/complete")
    details = list(
        AccessLogEntry.objects.filter(actor=area.manager, object_type="meeting", object_id=str(meeting_id))
        .exclude(action="view")
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert [a for a, _ in details] == ["create"] + ["update"] * 5
    assert [next(iter(d)) for _, d in details[1:]] == [
        "held",
        "minutes",
        "shared_with",
        "action",
        "action_completed",
    ]
