from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.meetings import services

from ..factories import UserFactory
from .conftest import NOW, schedule

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def test_a_meeting_with_its_invitations_and_minutes_status(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    services.meeting_hold(
        meeting=meeting,
        data=services.HeldIn(
            held_at=meeting.scheduled_at, attendance={}, decision="No s47.", section_47=False
        ),
        by=area.manager,
    )
    body = _client(area.social_worker).get(f"/api/v1/meetings/{meeting.pk}").json()
    assert body["status"] == "held" and body["section_47"] is False
    assert body["child_ids"] == [area.child.pk]
    assert body["minutes_due_at"].startswith((meeting.scheduled_at + timedelta(days=10)).date().isoformat())
    assert len(body["invitations"]) == meeting.invitations.count()


def test_a_stranger_gets_404_for_a_meeting(area: Any) -> None:
    meeting = schedule(area)
    assert _client(UserFactory()).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404


def test_minutes_compliance_figures_are_available(area: Any) -> None:
    body = _client(area.manager).get("/api/v1/meetings/minutes-compliance").json()
    assert set(body) == {"since", "until", "overall", "by_team", "by_month"}
    assert _client(UserFactory()).get("/api/v1/meetings/minutes-compliance").status_code == 403
