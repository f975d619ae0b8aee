"""The audit programme's pages (add, agree, edit, versioned) and reassigning one record of an audit to
another auditor of the same agency kind."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.improvement.audits import services
from mace.improvement.audits.models import AuditAssignment, AuditProgramme

from ...conftest import sign_in
from ...factories import UserFactory
from .conftest import record_attendance

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def programme(area: Any) -> AuditProgramme:
    return services.programme_create(
        partnership=area.partnership,
        year=2026,
        title="Programme 2026",
        agreed_on=None,
        agreed_by="",
        by=SYSTEM,
    )


def test_the_programme_form_opens_for_the_business_manager_with_this_years_defaults(area: Any) -> None:
    page = _client(area.business_manager).get("/improvement/audits/programme/")
    assert page.status_code == 200
    assert "Multi-agency audit programme 2026 to 2027" in page.content.decode()


def test_a_programme_with_no_title_or_year_is_refused_on_its_page_and_nothing_is_written(area: Any) -> None:
    response = _client(area.business_manager).post(
        "/improvement/audits/programme/", {"year": "", "title": " "}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "Enter the year the programme starts" in page and "Enter the programme" in page
    assert not AuditProgramme.objects.exists()


def test_a_programme_agreed_in_the_future_is_refused(area: Any) -> None:
    form = {"year": "2026", "title": "P", "agreed_by": "Executive"}
    form |= {"agreed_on_day": "1", "agreed_on_month": "12", "agreed_on_year": "2026"}
    response = _client(area.business_manager).post("/improvement/audits/programme/", form)
    assert response.status_code == 400 and "cannot be agreed in the future" in response.content.decode()
    assert not AuditProgramme.objects.exists()


def test_a_new_programme_keeps_what_it_covers_and_opens_its_page(area: Any) -> None:
    bm = _client(area.business_manager)
    response = bm.post(
        "/improvement/audits/programme/",
        {"year": "2026", "title": "Programme 2026", "description": "Front door decisions each quarter"},
    )
    saved = AuditProgramme.objects.get()
    assert response["Location"] == f"/improvement/audits/programme/{saved.pk}/"
    assert saved.description == "Front door decisions each quarter"
    assert "Not yet agreed" in bm.get(response["Location"]).content.decode()


def test_the_business_manager_records_that_the_programme_was_agreed(area: Any, programme: Any) -> None:
    form = {"version": "1", "agreed_by": "LSCP Executive"}
    form |= {"agreed_on_day": "12", "agreed_on_month": "11", "agreed_on_year": "2026"}
    response = _client(area.business_manager).post(f"/improvement/audits/programme/{programme.pk}/", form)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.agreed_on, programme.agreed_by, programme.version) == (
        date(2026, 11, 12),
        "LSCP Executive",
        2,
    )
    assert AccessLogEntry.objects.filter(object_type="audit_programme", object_id=str(programme.pk)).exists()


def test_an_agreement_without_its_group_is_refused_and_nothing_changes(area: Any, programme: Any) -> None:
    form = {"version": "1", "agreed_on_day": "12", "agreed_on_month": "11", "agreed_on_year": "2026"}
    response = _client(area.business_manager).post(f"/improvement/audits/programme/{programme.pk}/", form)
    assert response.status_code == 400 and "Say which group agreed it" in response.content.decode()
    programme.refresh_from_db()
    assert (programme.agreed_on, programme.version) == (None, 1)


def test_the_programme_is_edited_and_a_stale_edit_is_the_conflict_page(area: Any, programme: Any) -> None:
    bm = _client(area.business_manager)
    url = f"/improvement/audits/programme/{programme.pk}/edit/"
    assert bm.get(url).status_code == 200
    saved = bm.post(url, {"version": "1", "title": "Programme 2026 to 2027", "description": "Four audits"})
    assert saved.status_code == 302
    stale = bm.post(url, {"version": "1", "title": "Someone else's title", "description": ""})
    assert stale.status_code == 409
    programme.refresh_from_db()
    assert (programme.title, programme.description, programme.version) == (
        "Programme 2026 to 2027",
        "Four audits",
        2,
    )


def test_only_whoever_runs_the_plans_edits_or_agrees_the_programme(area: Any, programme: Any) -> None:
    lead = _client(area.lead)
    assert lead.get(f"/improvement/audits/programme/{programme.pk}/").status_code == 200
    assert lead.get(f"/improvement/audits/programme/{programme.pk}/edit/").status_code == 404
    form = {
        "version": "1",
        "agreed_by": "Me",
        "agreed_on_day": "1",
        "agreed_on_month": "11",
        "agreed_on_year": "2026",
    }
    assert lead.post(f"/improvement/audits/programme/{programme.pk}/", form).status_code == 404
    assert (
        lead.post(
            f"/improvement/audits/programme/{programme.pk}/edit/", {"version": "1", "title": "x"}
        ).status_code
        == 404
    )
    programme.refresh_from_db()
    assert (programme.title, programme.agreed_on) == ("Programme 2026", None)


# Reassigning one record -----------------------------------------------------------------------------------


@pytest.fixture
def ed_audit(area: Any) -> Any:
    for i in range(2):
        record_attendance(area, i)
    audit = services.audit_draw(
        partnership=area.partnership,
        rule=services.Rule(
            tool_code="ed",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            size=None,
            seed=1,
            trust=area.trust,
        ),
        by=SYSTEM,
    )
    services.audit_assign(audited=audit, agency_kind="health", auditors=[area.nurse], by=SYSTEM)
    return audit


def test_the_lead_reassigns_one_record_to_another_auditor_of_the_trust(area: Any, ed_audit: Any) -> None:
    first, second = ed_audit.records.order_by("occurred_at", "pk")
    lead = _client(area.lead)
    url = f"/improvement/audits/{ed_audit.pk}/records/{first.pk}/assign/"
    assert "Reassign" in lead.get(f"/improvement/audits/{ed_audit.pk}/").content.decode()
    assert lead.get(url).status_code == 200
    response = lead.post(url, {"agency_kind": "health", "auditor": area.lead.pk})
    assert response.status_code == 302
    assert AuditAssignment.objects.get(record=first).auditor == area.lead
    assert AuditAssignment.objects.get(record=second).auditor == area.nurse
    entry = AccessLogEntry.objects.filter(object_type="audit_record", object_id=str(first.pk)).last()
    assert entry is not None and entry.detail["reassigned"] == "health" and entry.detail["to"] == area.lead.pk


def test_a_record_cannot_be_given_to_an_auditor_of_another_trust(area: Any, ed_audit: Any) -> None:
    first = ed_audit.records.order_by("occurred_at", "pk").first()
    response = _client(area.lead).post(
        f"/improvement/audits/{ed_audit.pk}/records/{first.pk}/assign/",
        {"agency_kind": "health", "auditor": area.other_nurse.pk},
    )
    assert response.status_code == 400 and "Choose an auditor" in response.content.decode()
    assert AuditAssignment.objects.get(record=first).auditor == area.nurse


def test_an_answered_part_cannot_be_reassigned(area: Any, ed_audit: Any) -> None:
    first = ed_audit.records.order_by("occurred_at", "pk").first()
    answers = {
        q: "yes"
        for q in ("risk_assessment", "cpis_checked", "clear_planning", "discharge_safe", "seen_alone")
    }
    services.record_answer(record=first, answers=answers, by=area.nurse)
    with pytest.raises(ValidationError, match="answered"):
        services.record_reassign(record=first, agency_kind="health", auditor=area.lead, by=area.lead)
    assert AuditAssignment.objects.get(record=first).auditor == area.nurse


def test_only_whoever_runs_the_audit_reassigns_a_record(area: Any, ed_audit: Any) -> None:
    first = ed_audit.records.order_by("occurred_at", "pk").first()
    url = f"/improvement/audits/{ed_audit.pk}/records/{first.pk}/assign/"
    for user in (area.nurse, area.other_lead, UserFactory(team=area.ed)):
        client = _client(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"agency_kind": "health", "auditor": user.pk}).status_code == 404
    assert AuditAssignment.objects.get(record=first).auditor == area.nurse
