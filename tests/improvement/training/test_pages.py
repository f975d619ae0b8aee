"""Training pages: compliance by agency and team, who is not trained, attendance and follow-up forms."""

# shifted-clocks: pinned

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.improvement.training import services
from mace.improvement.training.models import TrainingBooking, TrainingFollowUp

from ...conftest import sign_in
from ...factories import PartnershipFactory, TeamFactory, UserFactory
from .conftest import SYSTEM, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(session: Any, partnership: Any, ed: Any) -> list[TrainingBooking]:
    return [
        services.booking_add(session=session, practitioner=p, by=SYSTEM) for p in register(partnership, ed, 3)
    ]


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_the_overview_shows_compliance_by_agency_and_team(
    booked: list[Any], session: Any, trainer: Any
) -> None:
    services.attendance_record(
        session=session,
        statuses={booked[0].pk: TrainingBooking.Status.ATTENDED},
        version=session.version,
        by=SYSTEM,
    )
    page = _client(trainer).get("/improvement/training/").content.decode()
    assert "1 of 3 (33%)" in page
    assert "East Shire NHS Trust" in page and "Emergency Department" in page


def test_the_team_page_names_who_has_not_been_trained(
    booked: list[Any], session: Any, trainer: Any, ed: Any
) -> None:
    services.attendance_record(
        session=session,
        statuses={booked[0].pk: TrainingBooking.Status.ATTENDED},
        version=session.version,
        by=SYSTEM,
    )
    page = _client(trainer).get(f"/improvement/training/teams/{ed.pk}/").content.decode()
    assert "Nurse 01" in page and "Nurse 02" in page
    assert "Nurse 00" not in page


def test_a_trainer_records_attendance_from_the_session_page(
    booked: list[Any], session: Any, trainer: Any
) -> None:
    client = _client(trainer)
    response = client.post(
        f"/improvement/training/sessions/{session.pk}/attendance/",
        {
            "version": session.version,
            f"booking_{booked[0].pk}": "attended",
            f"booking_{booked[1].pk}": "absent",
            f"booking_{booked[2].pk}": "attended",
        },
    )
    assert response.status_code == 302
    assert sorted(TrainingBooking.objects.values_list("status", flat=True)) == [
        "absent",
        "attended",
        "attended",
    ]
    assert "Attended" in client.get(f"/improvement/training/sessions/{session.pk}/").content.decode()


def test_a_follow_up_before_the_session_is_refused_on_the_page(
    booked: list[Any], session: Any, trainer: Any
) -> None:
    services.attendance_record(
        session=session,
        statuses={booked[0].pk: TrainingBooking.Status.ATTENDED},
        version=session.version,
        by=SYSTEM,
    )
    response = _client(trainer).post(
        f"/improvement/training/bookings/{booked[0].pk}/follow-up/",
        {
            "on_day": "1",
            "on_month": "11",
            "on_year": "2022",
            "attendee_says": "More curious",
            "manager_name": "Sister Ward",
            "manager_says": "Seen it",
            "changed": "yes",
        },
    )
    assert response.status_code == 400
    assert "dated before the session" in response.content.decode()
    assert not TrainingFollowUp.objects.exists()


def test_a_reader_who_is_not_a_trainer_reads_but_cannot_record(
    booked: list[Any], session: Any, ed: Any
) -> None:
    clinician = _client(UserFactory(team=ed, roles=[Role.ED_CLINICIAN]))
    page = clinician.get(f"/improvement/training/sessions/{session.pk}/")
    assert page.status_code == 200 and "Record attendance" not in page.content.decode()
    response = clinician.post(
        f"/improvement/training/sessions/{session.pk}/attendance/",
        {"version": session.version, f"booking_{booked[0].pk}": "attended"},
    )
    assert response.status_code == 404
    assert not TrainingBooking.objects.filter(status="attended").exists()


def test_another_partnerships_session_is_not_found(booked: list[Any], session: Any) -> None:
    elsewhere = PartnershipFactory(code="elsewhere", name="Elsewhere")
    outsider = UserFactory(team=TeamFactory(partnership=elsewhere), roles=[Role.BUSINESS_MANAGER])
    outsider.agency.partnerships.set([elsewhere])
    client = _client(outsider)
    assert client.get(f"/improvement/training/sessions/{session.pk}/").status_code == 404
    assert client.get(f"/improvement/training/bookings/{booked[0].pk}/").status_code == 404


def test_the_booking_page_takes_the_evaluation(booked: list[Any], session: Any, trainer: Any) -> None:
    services.attendance_record(
        session=session,
        statuses={booked[0].pk: TrainingBooking.Status.ATTENDED},
        version=session.version,
        by=SYSTEM,
    )
    client = _client(trainer)
    assert (
        "Evaluation on the day"
        in client.get(f"/improvement/training/bookings/{booked[0].pk}/").content.decode()
    )
    response = client.post(
        f"/improvement/training/bookings/{booked[0].pk}/evaluation/",
        {"confidence_before": "2", "confidence_after": "4", "will_do": "Use the screening tool"},
    )
    assert response.status_code == 302
    booked[0].refresh_from_db()
    assert (booked[0].evaluation.confidence_before, booked[0].evaluation.confidence_after) == (2, 4)


def test_a_trainer_schedules_a_session_from_the_course_page(course: Any, trainer: Any, now: Any) -> None:
    client = _client(trainer)
    response = client.post(
        f"/improvement/training/courses/{course.pk}/sessions/",
        {"on_day": "14", "on_month": "4", "on_year": "2023", "venue": "Online", "capacity": "12"},
    )
    assert response.status_code == 302
    saved = course.sessions.get()
    assert (saved.on.isoformat(), saved.capacity, saved.trainer_label) == ("2023-04-14", 12, "Tara Trainer")


def test_a_session_without_a_venue_is_refused_on_the_course_page(course: Any, trainer: Any, now: Any) -> None:
    response = _client(trainer).post(
        f"/improvement/training/courses/{course.pk}/sessions/",
        {"on_day": "14", "on_month": "4", "on_year": "2023", "venue": " ", "capacity": "12"},
    )
    assert response.status_code == 400 and "Enter where the session is" in response.content.decode()
    assert not course.sessions.exists()
