"""The demo's emergency departments: audit figures recomputed from the generated records match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mace.accounts.models import User
from mace.demo.generate import generate
from mace.health import selectors
from mace.health.figures import Rate
from mace.health.models import Attendance, Audit
from mace.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_demo_audit_figures_are_reproduced_exactly_from_the_generated_records() -> None:
    generate(children=400, seed=4)
    checked = 0
    for audit in Audit.objects.select_related("trust"):
        lead = User.objects.filter(
            agency=audit.trust, role_assignments__role="health_safeguarding_lead"
        ).first()
        assert lead is not None
        month = audit.period_start.replace(day=1)
        [result] = [r for r in selectors.audit_results(lead) if r.period == month]
        records = list(
            Attendance.objects.filter(audits__trust=audit.trust, audits__period_start__month=month.month)
        )
        # What the records themselves say, counted independently of the answers and the figures code.
        assert (
            result.rates["cpis_checked"].text == Rate(sum(a.cpis_checked for a in records), len(records)).text
        )
        assert (
            result.rates["risk_assessment"].text
            == Rate(sum(a.exploitation_question_asked for a in records), len(records)).text
        )
        applicable = [a for a in records if a.seen_alone is not None]
        assert (
            result.rates["seen_alone"].text
            == Rate(sum(bool(a.seen_alone) for a in applicable), len(applicable)).text
        )
        checked += 1
    assert checked >= 6


def test_the_demo_has_every_kind_of_ed_attendance_and_reviews_every_older_discharge() -> None:
    generate(children=400, seed=5)
    attendances = Attendance.objects.all()
    assert attendances.filter(person__isnull=True).exists()
    assert attendances.filter(frequent_attender=True).exists()
    assert attendances.filter(left_before_assessment=True).exists()
    old = attendances.filter(discharged_at__lt=timezone.now() - timedelta(days=2))
    assert not old.filter(review__isnull=True).exists()
    assert Screening.objects.filter(agreed_by__isnull=False, original_judgement__isnull=False).exists()
    assert Screening.objects.values("agency").distinct().count() >= 3
