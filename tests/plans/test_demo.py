from __future__ import annotations

from datetime import date

import pytest

from mace.demo.generate import generate
from mace.plans import selectors
from mace.plans.models import Plan, PlanReview, PlanStatus, PlanVersion

pytestmark = pytest.mark.django_db


def test_the_demo_gives_allocated_children_plans_with_versions_reviews_and_readers_behind() -> None:
    summary = generate(children=300, seed=7)
    assert summary["Plans"] > 20 and summary["Plan versions"] >= 2 * summary["Plans"]
    assert all(v.contingency for v in PlanVersion.objects.filter(status=PlanStatus.AGREED))
    type_changes = {
        v.plan_id
        for v in PlanVersion.objects.all()
        if v.number > 1 and v.plan_type != v.plan.versions.get(number=v.number - 1).plan_type
    }
    assert type_changes
    assert PlanReview.objects.exists()
    assert not PlanReview.objects.filter(
        contingency_needed=True, contingency_used=False, contingency_not_used_reason=""
    ).exists()
    behind = sum(len([h for h in selectors.holders(p) if not h.has_latest]) for p in Plan.objects.all()[:60])
    assert behind > 0
    today = date.today()
    overdue = sum(
        selectors.overdue_actions(p.versions.get(number=p.version), today) for p in Plan.objects.all()
    )
    assert overdue > 0
