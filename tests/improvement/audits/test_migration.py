"""The health module's ED audits are folded into audits of the `ed` tool by the migration: the same
records, questions and answers, so every figure reads as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("health", "0003_assessmentwait"), ("improvement", "0002_training_and_governance")]
AT = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] in ("health", "improvement")]


def test_the_health_audits_are_folded_into_the_audit_model() -> None:
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Partnership = old.get_model("accounts", "Partnership")
    Agency = old.get_model("accounts", "Agency")
    Team = old.get_model("accounts", "Team")
    Attendance = old.get_model("health", "Attendance")
    OldAudit = old.get_model("health", "Audit")
    OldAnswer = old.get_model("health", "AuditAnswer")
    partnership = Partnership.objects.create(code="fold", name="Fold")
    trust = Agency.objects.create(code="trust", name="Fold Trust", kind="health")
    trust.partnerships.add(partnership)
    ed = Team.objects.create(code="fold-ed", name="ED", agency=trust, partnership=partnership)
    attendances = [
        Attendance.objects.create(
            partnership=partnership,
            trust=trust,
            department=ed,
            arrived_at=AT,
            presenting_complaint=f"Attendance {n}",
            status="reviewed",
            recorded_by_label="nurse",
            recorded_at=AT,
        )
        for n in range(3)
    ]
    audit = OldAudit.objects.create(
        trust=trust,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        created_by_label="Fiona",
        created_at=AT,
        completed_at=AT,
    )
    audit.attendances.set(attendances)
    for n, a in enumerate(attendances):
        OldAnswer.objects.create(
            audit=audit, attendance=a, question="cpis_checked", answer="yes" if n else "no"
        )
        OldAnswer.objects.create(
            audit=audit, attendance=a, question="seen_alone", answer="na" if n == 2 else "yes"
        )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    from mace.improvement.audits import selectors
    from mace.improvement.audits.models import Audit

    folded = Audit.objects.get()
    assert (folded.tool_code, folded.tool_version, folded.trust_id) == ("ed", 1, trust.pk)
    assert folded.rule["folded_from_health_audit"] == audit.pk
    assert sorted(folded.records.values_list("source_id", flat=True)) == [a.pk for a in attendances]
    rows = {r.question.code: r.rate.text for r in selectors.results(folded).rows}
    assert rows["cpis_checked"] == "2 of 3 (67%)"
    assert rows["seen_alone"] == "2 of 2 (100%)"
    assert folded.completed_at == AT
