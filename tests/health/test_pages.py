"""ED pages: recording an attendance, the screening from it, discharge, the review queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mace.frontdoor.models import Contact
from mace.health import services
from mace.health.models import Attendance

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _form(**overrides: str) -> dict[str, str]:
    now = timezone.localtime()
    data = {
        "given_names": "Tyler",
        "family_name": "Grant",
        "arrived_day": str(now.day),
        "arrived_month": str(now.month),
        "arrived_year": str(now.year),
        "arrived_time": "00:01",
        "presenting_complaint": "Stab wound to the thigh",
        "seen_alone": "yes",
        "cpis_checked": "yes",
        "cpis_result": "none",
        "exploitation_question_asked": "yes",
        "exploitation_concern": "yes",
        "safeguarding_referral_made": "no",
        "child_voice": "I was just in the wrong place.",
    }
    data.update(overrides)
    return data


def test_an_ed_clinician_records_an_attendance_and_is_asked_to_screen(ed_area: Any) -> None:
    client = _client(ed_area.nurse)
    response = client.post("/health/ed/attendances/new/", _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    attendance = Attendance.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Complete the exploitation screening tool" in page
    assert attendance.exploitation_concern and attendance.person_id is None


def test_every_missing_answer_is_named_at_once(ed_area: Any) -> None:
    response = _client(ed_area.nurse).post(
        "/health/ed/attendances/new/", _form(presenting_complaint="", seen_alone="no", cpis_checked="")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the presenting complaint" in html
    assert "Say whether CP-IS was checked" in html


def test_the_screening_from_an_attendance_is_linked_to_it_and_reaches_the_front_door(ed_area: Any) -> None:
    client = _client(ed_area.nurse)
    client.post("/health/ed/attendances/new/", _form())
    attendance = Attendance.objects.get()
    response = client.post(
        f"/health/ed/attendances/{attendance.pk}/screening/",
        {
            "indicators": ["cce_weapons"],
            "evidence_cce_weapons": "Stab wound; says rival group.",
            "analysis": "Serious youth violence linked to supply.",
            "judgement": "3",
            "judgement_reason": "Weapon injury and fear of a rival area.",
        },
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.screening is not None
    assert Contact.objects.filter(pk=attendance.screening.contact_id, kind="screening").exists()


def test_discharge_then_review_from_the_queue(ed_area: Any) -> None:
    client = _client(ed_area.nurse)
    client.post("/health/ed/attendances/new/", _form(exploitation_concern="no"))
    attendance = Attendance.objects.get()
    now = timezone.localtime()
    response = client.post(
        f"/health/ed/attendances/{attendance.pk}/discharge/",
        {
            "version": attendance.version,
            "discharged_day": now.day,
            "discharged_month": now.month,
            "discharged_year": now.year,
            "discharged_time": now.strftime("%H:%M"),
            "discharge_plan": "Home with mum",
        },
    )
    assert response.status_code == 302
    lead = _client(ed_area.lead)
    assert (
        f"/health/discharge-reviews/{attendance.pk}/"
        in lead.get("/health/discharge-reviews/").content.decode()
    )
    refused = lead.post(f"/health/discharge-reviews/{attendance.pk}/", {"notes": "Looked"})
    assert refused.status_code == 400
    assert "Choose an outcome" in refused.content.decode()
    done = lead.post(
        f"/health/discharge-reviews/{attendance.pk}/",
        {"outcome": "liaison", "shared_with": "school_nurse", "notes": "Routine"},
    )
    assert done.status_code == 302
    assert (
        "Every discharged child has been reviewed" in lead.get("/health/discharge-reviews/").content.decode()
    )


def test_another_trusts_attendance_is_not_found(ed_area: Any) -> None:
    attendance, _ = services.attendance_record(
        data=services.AttendanceIn(arrived_at=timezone.now() - timedelta(hours=1), presenting_complaint="x"),
        by=ed_area.nurse,
    )
    assert _client(ed_area.other_nurse).get(f"/health/ed/attendances/{attendance.pk}/").status_code == 404
    assert _client(ed_area.education).get(f"/health/ed/attendances/{attendance.pk}/").status_code == 404


def test_the_ed_audits_address_leads_to_the_audit_programme(ed_area: Any) -> None:
    """ED audits are audits of the `ed` tool now (tests/improvement/audits/test_pages.py)."""
    response = _client(ed_area.lead).get("/health/ed-audits/")
    assert response.status_code == 302 and response["Location"] == "/improvement/audits/?tool=ed"


def test_the_safeguarding_team_reads_attendances_but_does_not_record_them(ed_area: Any) -> None:
    attendance, _ = services.attendance_record(
        data=services.AttendanceIn(arrived_at=timezone.now() - timedelta(hours=1), presenting_complaint="x"),
        by=ed_area.nurse,
    )
    lead = _client(ed_area.lead)
    assert lead.get(f"/health/ed/attendances/{attendance.pk}/").status_code == 200
    assert lead.get("/health/ed/attendances/new/").status_code == 404
    assert lead.post(f"/health/ed/attendances/{attendance.pk}/discharge/", {}).status_code == 404


def test_the_home_page_says_what_is_waiting(ed_area: Any) -> None:
    arrived = timezone.now() - timedelta(hours=3)
    services.attendance_record(
        data=services.AttendanceIn(
            arrived_at=arrived, presenting_complaint="x", discharged_at=arrived + timedelta(hours=1)
        ),
        by=ed_area.nurse,
    )
    assert "Discharge review queue: 1 waiting" in _client(ed_area.lead).get("/").content.decode()


@time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=UTC), tick=False)
def test_the_discharge_review_queue_pages_longest_waiting_first(
    ed_area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_services import _attend

    monkeypatch.setattr("mace.health.selectors.PAGE", 2)
    oldest, _middle, newest = (_attend(ed_area, hours_ago=h) for h in (9, 6, 3))
    client = _client(ed_area.lead)
    first = client.get("/health/discharge-reviews/").content.decode()
    second = client.get("/health/discharge-reviews/?page=2").content.decode()
    assert "3 waiting for review" in first and "Showing 1 to 2 of 3" in first
    assert f"/health/discharge-reviews/{oldest.pk}/" in first and f"/{newest.pk}/" not in first
    assert f"/health/discharge-reviews/{newest.pk}/" in second and f"/{oldest.pk}/" not in second
    assert 'href="?page=2"' in first


@time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=UTC), tick=False)
def test_a_stale_discharge_shows_what_was_tried_beside_what_is_saved_and_writes_nothing(ed_area: Any) -> None:
    client = _client(ed_area.nurse)
    client.post("/health/ed/attendances/new/", _form(exploitation_concern="no"))
    attendance = Attendance.objects.get()
    now = timezone.localtime()
    body = {
        "version": attendance.version,
        "discharged_day": now.day,
        "discharged_month": now.month,
        "discharged_year": now.year,
        "discharged_time": now.strftime("%H:%M"),
        "discharge_plan": "Home with mum",
    }
    assert client.post(f"/health/ed/attendances/{attendance.pk}/discharge/", body).status_code == 302
    saved = Attendance.objects.get()
    stale = client.post(
        f"/health/ed/attendances/{attendance.pk}/discharge/", {**body, "discharge_plan": "To nan's"}
    )
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "What you tried to save" in page and "What is saved now" in page
    assert "Discharged: awaiting review" in page
    after = Attendance.objects.get()
    assert after.version == saved.version and after.discharge_plan == "Home with mum"
