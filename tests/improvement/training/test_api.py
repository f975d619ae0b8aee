"""Training through the API: the same compliance as the page, and the same refusals for a follow-up."""

# shifted-clocks: pinned

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.improvement.training import services
from mace.improvement.training.models import TrainingBooking, TrainingFollowUp

from ...factories import UserFactory
from .conftest import SYSTEM, register

pytestmark = pytest.mark.django_db


def _client(role: str, partnership: Any) -> Client:
    user = UserFactory(roles=[role], team__partnership=partnership, team__agency__partnerships=[partnership])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


@pytest.fixture
def attended(session: Any, partnership: Any, ed: Any) -> list[TrainingBooking]:
    out = []
    for p in register(partnership, ed, 4):
        b = services.booking_add(session=session, practitioner=p, by=SYSTEM)
        out.append(b)
    services.attendance_record(
        session=session,
        statuses={b.pk: ("attended" if i < 3 else "absent") for i, b in enumerate(out)},
        version=session.version,
        by=SYSTEM,
    )
    for b in out:
        b.refresh_from_db()
    return out


def test_the_executive_reads_compliance_by_agency_and_team(attended: Any, partnership: Any, ed: Any) -> None:
    body = (
        _client(Role.EXECUTIVE, partnership)
        .get("/api/v1/improvement/training/compliance?on=2023-03-01")
        .json()
    )
    assert (body["trained"], body["counted"], body["percent"]) == (3, 4, 75.0)
    (agency,) = body["agencies"]
    assert agency["teams"][0] | {"team_id": 0} == {
        "team_id": 0,
        "team": "Emergency Department",
        "level": 3,
        "counted": 4,
        "trained": 3,
        "percent": 75.0,
        "not_trained": 1,
    }


def test_a_trainer_posts_a_follow_up(attended: Any, partnership: Any) -> None:
    response = _client(Role.HEALTH_SAFEGUARDING_LEAD, partnership).post(
        f"/api/v1/improvement/training/bookings/{attended[0].pk}/follow-up",
        {
            "on": "2023-03-01",
            "attendee_says": "a",
            "manager_name": "m",
            "manager_says": "b",
            "changed": "partly",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert TrainingFollowUp.objects.get().changed == "partly"


def test_a_follow_up_before_the_session_is_refused_through_the_api(attended: Any, partnership: Any) -> None:
    response = _client(Role.BUSINESS_MANAGER, partnership).post(
        f"/api/v1/improvement/training/bookings/{attended[0].pk}/follow-up",
        {
            "on": "2022-11-01",
            "attendee_says": "a",
            "manager_name": "m",
            "manager_says": "b",
            "changed": "yes",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "before the session" in response.content.decode()
    assert not TrainingFollowUp.objects.exists()


def test_a_reader_who_is_not_a_trainer_may_not_post_a_follow_up(attended: Any, partnership: Any) -> None:
    response = _client(Role.EXECUTIVE, partnership).post(
        f"/api/v1/improvement/training/bookings/{attended[0].pk}/follow-up",
        {
            "on": "2023-03-01",
            "attendee_says": "a",
            "manager_name": "m",
            "manager_says": "b",
            "changed": "yes",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not TrainingFollowUp.objects.exists()


def test_a_trainer_adds_a_course_through_the_api(partnership: Any, trust: Any) -> None:
    response = _client(Role.BUSINESS_MANAGER, partnership).post(
        "/api/v1/improvement/training/courses",
        {"title": "Level 2: targeted", "level": 2, "multi_agency": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "code": "level-2-targeted",
        "title": "Level 2: targeted",
        "level": 2,
        "multi_agency": True,
        "agency": None,
    }


def test_a_single_agency_course_without_its_agency_is_refused_through_the_api(partnership: Any) -> None:
    from mace.improvement.training.models import TrainingCourse

    response = _client(Role.BUSINESS_MANAGER, partnership).post(
        "/api/v1/improvement/training/courses",
        {"title": "Ours", "level": 3, "multi_agency": False},
        content_type="application/json",
    )
    assert response.status_code == 422 and "names the agency" in response.content.decode()
    assert not TrainingCourse.objects.exists()


def test_a_trainer_adds_a_practitioner_and_sets_the_level_through_the_api(partnership: Any, ed: Any) -> None:
    from mace.improvement.training.models import Practitioner, TrainingRequirement

    client = _client(Role.HEALTH_SAFEGUARDING_LEAD, partnership)
    added = client.post(
        f"/api/v1/improvement/training/teams/{ed.pk}/practitioners",
        {"name": "Nia Nurse", "job_title": "Staff nurse"},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    assert Practitioner.objects.get().name == "Nia Nurse"
    level = client.put(
        f"/api/v1/improvement/training/teams/{ed.pk}/requirement",
        {"level": 2, "reason": "Sees children"},
        content_type="application/json",
    )
    assert level.status_code == 200 and TrainingRequirement.objects.get(team=ed).level == 2


def test_a_reader_who_is_not_a_trainer_may_not_add_to_the_register_through_the_api(
    partnership: Any, ed: Any
) -> None:
    from mace.improvement.training.models import Practitioner

    response = _client(Role.EXECUTIVE, partnership).post(
        f"/api/v1/improvement/training/teams/{ed.pk}/practitioners",
        {"name": "Me"},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Practitioner.objects.exists()
