"""The demo's audit programme: ED audit figures recomputed from the generated records match exactly, the
front door dip samples are answered by three agencies, and the two rapid reviews are there."""

from __future__ import annotations

import pytest

from mace.demo.generate import generate
from mace.health.models import Attendance
from mace.improvement.audits import selectors
from mace.improvement.audits.models import Audit, AuditAssignment, AuditProgramme
from mace.improvement.audits.results import Rate
from mace.improvement.reviews import selectors as review_selectors
from mace.improvement.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_demo_audit_figures_are_reproduced_exactly_from_the_generated_records() -> None:
    generate(children=400, seed=4)
    assert AuditProgramme.objects.count() == 1
    checked = 0
    for audit in Audit.objects.filter(tool_code="ed"):
        rows = {r.question.code: r.rate for r in selectors.results(audit).rows}
        records = list(Attendance.objects.filter(pk__in=audit.records.values("source_id")))
        assert len(records) == audit.records.count() and audit.completed_at is not None
        # What the records themselves say, counted independently of the answers and the results code.
        assert rows["cpis_checked"].text == Rate(sum(a.cpis_checked for a in records), len(records)).text
        assert (
            rows["risk_assessment"].text
            == Rate(sum(a.exploitation_question_asked for a in records), len(records)).text
        )
        applicable = [a for a in records if a.seen_alone is not None]
        assert (
            rows["seen_alone"].text == Rate(sum(bool(a.seen_alone) for a in applicable), len(applicable)).text
        )
        checked += 1
    assert checked >= 6
    dip = Audit.objects.filter(tool_code="front_door")
    assert dip.exists() and all(a.completed_at for a in dip)
    assert set(AuditAssignment.objects.values_list("agency_kind", flat=True)) == {"csc", "police", "health"}
    rows = [review_selectors.row(r) for r in Review.objects.all()]
    assert len(rows) == 2
    done = next(r for r in rows if r.review.completed_on)
    assert done.timeliness is not None and done.timeliness.on_time and done.timeliness.working_days == 14
