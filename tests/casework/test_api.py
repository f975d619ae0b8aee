from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.services import token_create
from mace.casework import services
from mace.core.audit import Actor

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
