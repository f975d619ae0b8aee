"""The demo's emergency departments (their audit figures: tests/improvement/audits/test_demo.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mace.demo.generate import generate
from mace.health.models import Attendance
from mace.screening.models import Screening

pytestmark = pytest.mark.django_db


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
