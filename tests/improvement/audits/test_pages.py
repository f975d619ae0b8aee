"""Audit pages: a dip sample drawn and answered from the pages (the health module's ED audit journey,
same assertions), a rule that matches nothing, the results beside the last audit; review pages."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from mace.improvement.audits.models import Audit, AuditAnswer
from mace.improvement.reviews.models import Review, ReviewAction

from ...conftest import sign_in
from .conftest import NOW, record_attendance

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _draw_form(**overrides: str) -> dict[str, str]:
    data = {
        "tool": "ed",
        "period": "dates",
        "period_start_day": "1",
        "period_start_month": "11",
        "period_start_year": "2026",
        "period_end_day": "30",
        "period_end_month": "11",
        "period_end_year": "2026",
        "size": "2",
        "seed": "5",
        "flag": "",
    }
    data.update(overrides)
    return data


def test_an_ed_audit_is_drawn_and_answered_from_the_pages(area: Any) -> None:
    for i in range(3):
        record_attendance(area, i)
    lead = _client(area.lead)
    response = lead.post("/improvement/audits/new/", _draw_form(trust=str(area.trust.pk)))
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert audit.records.count() == 2 and audit.trust == area.trust
    page = lead.get(response["Location"]).content.decode()
    assert "ED attendance on" in page
    for record in audit.records.all():
        url = f"/improvement/audits/{audit.pk}/records/{record.pk}/"
        form = lead.get(url).content.decode()
        assert form.count('type="radio"') == 5 * 2 + 1  # yes/no per question, plus n/a for seen alone
        assert "Open the ED record" in form  # the trust's own record
        answers = {
            q: "yes"
            for q in ("risk_assessment", "cpis_checked", "clear_planning", "discharge_safe", "seen_alone")
        }
        assert lead.post(url, answers).status_code == 302
    results = lead.get(f"/improvement/audits/{audit.pk}/").content.decode()
    assert "A safeguarding risk assessment was completed in 2 of 2 (100%)" in results
    assert AuditAnswer.objects.count() == 10


def test_an_answer_outside_the_scale_is_refused_on_the_page(area: Any) -> None:
    record_attendance(area, 0)
    lead = _client(area.lead)
    lead.post("/improvement/audits/new/", _draw_form(trust=str(area.trust.pk), size="1"))
    audit = Audit.objects.get()
    record = audit.records.get()
    response = lead.post(f"/improvement/audits/{audit.pk}/records/{record.pk}/", {"cpis_checked": "na"})
    assert response.status_code == 400
    assert "CP-IS was checked: answer Yes or No" in response.content.decode()
    assert not AuditAnswer.objects.exists()


def test_a_rule_that_matches_nothing_is_shown_and_no_audit_is_made(area: Any) -> None:
    response = _client(area.business_manager).post("/improvement/audits/new/", _draw_form(tool="front_door"))
    assert response.status_code == 400
    assert "No records match the rule" in response.content.decode()
    assert not Audit.objects.exists()


def test_the_audit_page_names_no_child_to_the_business_manager(area: Any) -> None:
    record_attendance(area, 0)
    _client(area.lead).post("/improvement/audits/new/", _draw_form(trust=str(area.trust.pk), size="1"))
    audit = Audit.objects.get()
    page = _client(area.business_manager).get(f"/improvement/audits/{audit.pk}/").content.decode()
    assert "Child0" not in page and "ED attendance on" in page


def test_a_review_is_added_and_tracked_from_the_pages(area: Any) -> None:
    bm = _client(area.business_manager)
    response = bm.post(
        "/improvement/reviews/new/",
        {
            "kind": "rapid",
            "reference": "RR 2026/04",
            "notified_on_day": "2",
            "notified_on_month": "11",
            "notified_on_year": "2026",
            "themes": ["exploitation", "voice"],
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.themes == ["exploitation", "voice"]
    bm.post(f"/improvement/reviews/{review.pk}/recommendation/", {"text": "Hear the child"})
    rec = review.recommendations.get()
    bm.post(
        f"/improvement/reviews/{review.pk}/action/",
        {
            "recommendation": rec.pk,
            "text": "Voice in every plan",
            "owner": "",
            "due_day": "",
            "due_month": "",
            "due_year": "",
        },
    )
    assert not ReviewAction.objects.exists()  # no owner, no due date: refused
    page = bm.get(f"/improvement/reviews/{review.pk}/").content.decode()
    assert "Due 23 November 2026: 3 working days left" in page
    listing = bm.get("/improvement/reviews/").content.decode()
    assert "RR 2026/04" in listing


def test_the_old_address_of_a_folded_ed_audit_redirects_to_it(area: Any) -> None:
    record_attendance(area, 0)
    _client(area.lead).post("/improvement/audits/new/", _draw_form(trust=str(area.trust.pk), size="1"))
    audit = Audit.objects.get()
    audit.rule = {**audit.rule, "folded_from_health_audit": 41}
    audit.save()
    response = _client(area.lead).get("/health/ed-audits/41/", follow=True)
    assert response.redirect_chain[-1][0] == f"/improvement/audits/{audit.pk}/"
    assert NOW.date() == date(2026, 11, 18)


def test_the_business_manager_adds_the_years_programme(area: Any) -> None:
    from mace.improvement.audits.models import AuditProgramme

    bm = _client(area.business_manager)
    assert 'href="/improvement/audits/programme/"' in bm.get("/improvement/audits/").content.decode()
    form = {"year": "2026", "title": "Audit programme 2026 to 2027", "agreed_by": "LSCP Executive"}
    form |= {"agreed_on_day": "12", "agreed_on_month": "11", "agreed_on_year": "2026"}
    assert bm.post("/improvement/audits/programme/", form).status_code == 302
    programme = AuditProgramme.objects.get()
    assert (programme.year, programme.agreed_on) == (2026, date(2026, 11, 12))
    bm.post("/improvement/audits/programme/", form)  # the same year again: refused
    assert AuditProgramme.objects.count() == 1
    assert _client(area.lead).post("/improvement/audits/programme/", form).status_code == 404
