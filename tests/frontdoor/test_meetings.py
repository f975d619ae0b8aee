from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mace.frontdoor import services
from mace.frontdoor.models import FrontDoorMeeting, MeetingAction

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


def test_daily_meeting_lists_todays_contacts_by_agency(area) -> None:
    data = services.ContactIn(
        kind="vpa",
        received_at=timezone.now(),
        summary="x",
        subject={"family_name": "Moss"},
        source_agency=area.police,
    )
    contact, _ = services.contact_receive(
        data=data, partnership=area.partnership, route="web", by=area.officer
    )
    html = sign_in(Client(), area.worker).get("/front-door/meetings/daily/").content.decode()
    assert "Shire Police (1)" in html and f"Contact {contact.pk}" in html


def test_recording_the_meeting_and_an_action_through_the_page(area) -> None:
    client = sign_in(Client(), area.worker)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/front-door/meetings/daily/?date={today}",
        {"form": "meeting", "agencies": [area.police.pk, area.council.pk], "notes": "All VPAs"},
    )
    assert response.status_code == 302
    meeting = FrontDoorMeeting.objects.get(kind="daily")
    assert set(meeting.agencies_present.values_list("pk", flat=True)) == {area.police.pk, area.council.pk}
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/front-door/meetings/daily/?date={today}",
        {
            "form": "action",
            "description": "Share intelligence with the school",
            "owner_agency": area.police.pk,
            "due_on": due,
        },
    )
    assert response.status_code == 302
    action = MeetingAction.objects.get()
    client.post(f"/front-door/meeting-actions/{action.pk}/complete/")
    action.refresh_from_db()
    assert action.completed_at is not None


def test_an_action_without_an_owner_is_refused(area) -> None:
    meeting = services.meeting_record(
        partnership=area.partnership,
        kind="weekly",
        held_on=timezone.localdate(),
        agencies=[area.police],
        notes="",
        by=area.worker,
    )
    with pytest.raises(ValidationError) as exc:
        services.meeting_action_add(
            meeting=meeting,
            description="Do it",
            owner_agency=None,
            due_on=timezone.localdate(),
            by=area.worker,
        )
    assert "owner_agency" in exc.value.message_dict


def test_a_meeting_cannot_be_recorded_in_the_future(area) -> None:
    with pytest.raises(ValidationError):
        services.meeting_record(
            partnership=area.partnership,
            kind="daily",
            held_on=timezone.localdate() + timedelta(days=1),
            agencies=[area.police],
            notes="",
            by=area.worker,
        )
