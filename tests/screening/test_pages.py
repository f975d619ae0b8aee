"""The screening pages: the form says when a manager must agree, the record shows the trajectory."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mace.screening import services
from mace.screening.models import Screening, ToolVersion

from ..conftest import sign_in
from ..factories import PersonFactory
from .conftest import screening_in

pytestmark = pytest.mark.django_db

LOWER = {
    "indicators": ["cce_county_lines", "cce_missing"],
    "evidence_cce_county_lines": "Found with wraps of heroin in Crewe.",
    "evidence_cce_missing": "Missing two nights.",
    "analysis": "County lines involvement.",
    "judgement": "1",
    "judgement_reason": "Says it was a one-off.",
    "child_voice": "I won't do it again.",
}


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_form_lists_every_indicator_with_its_guidance(ed_area: Any) -> None:
    page = _client(ed_area.education).get(f"/screening/new/?person={ed_area.child.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Child sexual exploitation" in html and "county lines" in html
    assert "Found or arrested in another town" in html


def test_the_form_says_when_the_judgement_needs_a_managers_agreement(ed_area: Any) -> None:
    client = _client(ed_area.education)
    url = f"/screening/new/?person={ed_area.child.pk}"
    first = client.post(url, LOWER)
    assert first.status_code == 200
    assert "A manager will need to agree your judgement" in first.content.decode()
    assert not Screening.objects.exists()
    confirmed = client.post(url, {**LOWER, "acknowledge": "1", "tool_version": "1"})
    assert confirmed.status_code == 302
    assert Screening.objects.get().status == Screening.Status.AWAITING_AGREEMENT


def test_missing_evidence_is_named_on_the_form(ed_area: Any) -> None:
    page = _client(ed_area.education).post(
        f"/screening/new/?person={ed_area.child.pk}", {**LOWER, "evidence_cce_missing": ""}
    )
    assert page.status_code == 400
    assert "Give the evidence for" in page.content.decode()
    assert "evidence_cce_missing-error" in page.content.decode()


def test_a_child_the_user_does_not_work_with_cannot_be_screened_from_the_record(ed_area: Any) -> None:
    stranger = PersonFactory(partnership=ed_area.partnership)
    assert _client(ed_area.education).get(f"/screening/new/?person={stranger.pk}").status_code == 404


def test_the_childs_record_shows_the_risk_trajectory_as_a_chart_and_a_table(ed_area: Any) -> None:
    for judgement in (1, 2):
        services.screening_complete(
            data=screening_in(person=ed_area.child, judgement=judgement),
            partnership=ed_area.partnership,
            by=ed_area.education,
        )
    html = _client(ed_area.education).get(f"/people/{ed_area.child.pk}/").content.decode()
    assert '<svg class="mace-trajectory"' in html
    assert html.count("<polyline") == 2
    assert "Each screening: indicators and judgement" in html


def test_a_manager_agrees_from_the_screening_page(ed_area: Any) -> None:
    screening, _ = services.screening_complete(
        data=screening_in(person=ed_area.child, judgement=0),
        partnership=ed_area.partnership,
        by=ed_area.education,
    )
    client = _client(ed_area.manager)
    assert f"/screening/{screening.pk}/" in client.get("/screening/agreements/").content.decode()
    response = client.post(
        f"/screening/{screening.pk}/agreement/",
        {"version": screening.version, "decision": "agree", "note": "Agreed after discussion."},
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == Screening.Status.COMPLETE


def test_an_agreement_without_reasons_is_refused_on_the_page(ed_area: Any) -> None:
    screening, _ = services.screening_complete(
        data=screening_in(person=ed_area.child, judgement=0),
        partnership=ed_area.partnership,
        by=ed_area.education,
    )
    response = _client(ed_area.manager).post(
        f"/screening/{screening.pk}/agreement/",
        {"version": screening.version, "decision": "agree", "note": ""},
    )
    assert response.status_code == 400


def test_an_administrator_publishes_a_version_from_the_web(ed_area: Any) -> None:
    client = _client(ed_area.admin)
    page = client.get("/screening/tools/new/")
    assert page.status_code == 200
    current = ToolVersion.objects.get(status="active")
    definition = {**current.definition, "title": "Eastshire tool 2027"}
    response = client.post(
        "/screening/tools/new/", {"definition": json.dumps(definition), "change_note": "Annual review"}
    )
    assert response.status_code == 302
    assert ToolVersion.objects.get(status="active").title == "Eastshire tool 2027"


def test_invalid_json_is_refused_with_the_reason(ed_area: Any) -> None:
    response = _client(ed_area.admin).post("/screening/tools/new/", {"definition": "{", "change_note": "x"})
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()


def test_a_screening_is_not_found_for_someone_not_working_with_the_child(ed_area: Any) -> None:
    screening, _ = services.screening_complete(
        data=screening_in(person=ed_area.child), partnership=ed_area.partnership, by=ed_area.education
    )
    assert _client(ed_area.education).get(f"/screening/{screening.pk}/").status_code == 200
    assert _client(ed_area.other_nurse).get(f"/screening/{screening.pk}/").status_code == 404
    assert _client(ed_area.front_door_worker).get(f"/screening/{screening.pk}/").status_code == 200


def test_a_form_opened_before_a_new_version_shows_the_new_version_with_the_reason(ed_area: Any) -> None:
    current = ToolVersion.objects.get(status="active")
    services.tool_publish(definition=current.definition, change_note="v2", by=ed_area.admin)
    page = _client(ed_area.education).post(
        f"/screening/new/?person={ed_area.child.pk}", {**LOWER, "tool_version": str(current.version)}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "is retired" in html
    assert 'name="tool_version" value="2"' in html


def test_a_screening_from_a_contact_joins_that_contact(ed_area: Any) -> None:
    from mace.frontdoor import services as frontdoor_services
    from mace.frontdoor.models import Contact

    contact, _ = frontdoor_services.contact_receive(
        data=frontdoor_services.ContactIn(
            kind="professional",
            received_at=timezone.now(),
            summary="Youth worker: paid to deliver parcels.",
            subject={"given_names": "Kayden", "family_name": "Moss"},
            person=ed_area.child,
        ),
        partnership=ed_area.partnership,
        route="web",
        by=ed_area.front_door_worker,
    )
    client = _client(ed_area.front_door_worker)
    assert "?contact=" in client.get(f"/front-door/contacts/{contact.pk}/").content.decode()
    response = client.post(f"/screening/new/?contact={contact.pk}", {**LOWER, "judgement": "3"})
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.contact_id == contact.pk and screening.person_id == ed_area.child.pk
    assert Contact.objects.count() == 1


def test_a_stale_agreement_gets_the_conflict_page(ed_area: Any) -> None:
    screening, _ = services.screening_complete(
        data=screening_in(person=ed_area.child, judgement=0),
        partnership=ed_area.partnership,
        by=ed_area.education,
    )
    response = _client(ed_area.manager).post(
        f"/screening/{screening.pk}/agreement/",
        {"version": screening.version + 5, "decision": "agree", "note": "Agreed."},
    )
    assert response.status_code == 409
    assert "Someone else changed this screening" in response.content.decode()


@time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=UTC), tick=False)
def test_the_judgements_to_agree_are_paged_oldest_first(
    ed_area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import conftest
    from .test_api import _awaiting

    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 1)
    first_done = _awaiting(ed_area)
    with time_machine.travel(datetime(2026, 11, 18, 11, 0, tzinfo=UTC), tick=False):
        data = conftest.screening_in(
            person=ed_area.child,
            answers={"cce_county_lines": "Carrying wraps."},
            judgement=1,
        )
        second_done, _ = services.screening_complete(
            data=data, partnership=ed_area.partnership, by=ed_area.education
        )
    client = sign_in(Client(), ed_area.manager)
    first = client.get("/screening/agreements/").content.decode()
    second = client.get("/screening/agreements/?page=2").content.decode()
    assert f"/screening/{first_done.pk}/" in first and f"/screening/{second_done.pk}/" not in first
    assert f"/screening/{second_done.pk}/" in second and "Showing 2 to 2 of 2" in second
