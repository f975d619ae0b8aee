"""Audits and reviews through the API: the same results, refusals and access as the pages."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.improvement.audits import services
from mace.improvement.audits.models import AuditAnswer
from mace.improvement.reviews import services as review_services

from .conftest import NOW, record_attendance

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _audit(area: Any) -> Any:
    for i in range(6):
        record_attendance(area, i)
    return services.audit_draw(
        partnership=area.partnership,
        rule=services.Rule(
            tool_code="ed",
            period_start=date(2026, 11, 1),
            period_end=NOW.date(),
            size=6,
            seed=3,
            trust=area.trust,
        ),
        by=area.lead,
    )


def test_an_auditor_answers_through_the_api_and_reads_the_result(area: Any) -> None:
    audit = _audit(area)
    client = _client(area.lead)
    for record in audit.records.all():
        response = client.post(
            f"/api/v1/improvement/audits/{audit.pk}/records/{record.pk}/answers",
            {"answers": [{"question": "cpis_checked", "answer": "yes"}]},
            content_type="application/json",
        )
        assert response.status_code == 200
    body = client.get(f"/api/v1/improvement/audits/{audit.pk}").json()
    cpis = next(r for r in body["results"] if r["question"] == "cpis_checked")
    assert (cpis["result"], cpis["percent"]) == ("6 of 6 (100%)", 100)


def test_an_answer_outside_the_scale_is_refused_through_the_api(area: Any) -> None:
    audit = _audit(area)
    record = audit.records.first()
    response = _client(area.lead).post(
        f"/api/v1/improvement/audits/{audit.pk}/records/{record.pk}/answers",
        {"answers": [{"question": "cpis_checked", "answer": "na"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not AuditAnswer.objects.exists()


def test_another_agency_may_not_answer_through_the_api(area: Any) -> None:
    audit = _audit(area)
    record = audit.records.first()
    response = _client(area.officer).post(
        f"/api/v1/improvement/audits/{audit.pk}/records/{record.pk}/answers",
        {"answers": [{"question": "cpis_checked", "answer": "yes"}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not AuditAnswer.objects.exists()


def test_the_reviews_list_carries_the_clock(area: Any) -> None:
    review_services.review_create(
        partnership=area.partnership,
        kind="rapid",
        reference="RR 7",
        summary="",
        notified_on=date(2026, 11, 2),
        themes=["exploitation"],
        by=Actor.system("test"),
    )
    [review] = _client(area.executive).get("/api/v1/improvement/reviews").json()
    assert (review["reference"], review["due"], review["on_time"]) == ("RR 7", "2026-11-23", None)
