"""No version, no save: recording a meeting as held, or its minutes, from a form that names no version
is a conflict (409, the conflict page) and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.meetings import services
from mace.meetings.models import Meeting
from tests.versions import as_saved, saved_version

from ..conftest import sign_in
from ..missing.test_pages import _when
from .conftest import NOW, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _web(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_hold_form_without_a_version_is_a_conflict_that_saves_nothing(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    before = as_saved(meeting)
    body = {"decision": "Section 47 enquiry.", "section_47": "yes", **_when("held", meeting.scheduled_at)}
    response = _web(area.manager).post(f"/meetings/{meeting.pk}/held/", body)
    assert response.status_code == 409
    assert as_saved(meeting) == before


def test_a_minutes_form_without_a_version_is_a_conflict_that_saves_nothing(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    data = services.HeldIn(
        held_at=meeting.scheduled_at, attendance={}, decision="No further action.", section_47=False
    )
    meeting = services.meeting_hold(
        meeting=meeting, data=data, by=area.manager, version=saved_version(meeting)
    )
    before = as_saved(meeting)
    response = _web(area.manager).post(f"/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed: NFA."})
    assert response.status_code == 409
    assert as_saved(meeting) == before and Meeting.objects.get(pk=meeting.pk).minutes == ""
