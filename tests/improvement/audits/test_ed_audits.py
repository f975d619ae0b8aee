"""ED audits (folded from the health module, the same assertions): the inspectors' November figures
reproduced exactly from records and answers."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mace.improvement.audits import selectors, services
from mace.improvement.audits.models import AuditAnswer
from mace.improvement.audits.results import Rate, rates

from .conftest import NOW, record_attendance

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def _ed_rule(area: Any, *, size: int | None, seed: int = 1, start: date | None = None) -> services.Rule:
    return services.Rule(
        tool_code="ed",
        period_start=start or TODAY - timedelta(days=30),
        period_end=TODAY,
        size=size,
        seed=seed,
        trust=area.trust,
    )


def _answers(audit: Any) -> dict[int, Any]:
    return {r.source_id: r for r in audit.records.all()}


def test_the_november_audit_figures_are_reproduced_exactly(area: Any) -> None:
    """Of 22 cases: 20 (91%) risk assessment, 20 (91%) CP-IS checked, 17 (77%) clear planning,
    20 (91%) discharge safeguarded, and of 16 where seeing alone was appropriate, 14 (88%)."""
    records = [
        record_attendance(area, i, cpis=i >= 2, seen_alone=(True if i < 14 else False if i < 16 else None))
        for i in range(22)
    ]
    audit = services.audit_draw(partnership=area.partnership, rule=_ed_rule(area, size=22), by=area.lead)
    by_source = _answers(audit)
    for i, r in enumerate(records):
        services.record_answer(
            record=by_source[r.pk],
            answers={
                "risk_assessment": "yes" if i not in (0, 21) else "no",
                "cpis_checked": "yes" if r.cpis_checked else "no",
                "clear_planning": "yes" if i >= 5 else "no",
                "discharge_safe": "yes" if i not in (3, 4) else "no",
                "seen_alone": {True: "yes", False: "no", None: "na"}[r.seen_alone],
            },
            by=area.lead,
        )
    result = selectors.results(audit)
    assert result.records == 22 and result.answered == 22
    assert {row.question.code: row.rate.text for row in result.rows} == {
        "risk_assessment": "20 of 22 (91%)",
        "cpis_checked": "20 of 22 (91%)",
        "clear_planning": "17 of 22 (77%)",
        "discharge_safe": "20 of 22 (91%)",
        "seen_alone": "14 of 16 (88%)",
    }
    audit.refresh_from_db()
    assert audit.completed_at == NOW


def test_an_ed_audit_samples_only_its_own_trusts_discharged_children(area: Any) -> None:
    mine = [record_attendance(area, i) for i in range(3)]
    record_attendance(area, 9, nurse=area.other_nurse)
    audit = services.audit_draw(
        partnership=area.partnership,
        rule=_ed_rule(area, size=50, start=TODAY - timedelta(days=7)),
        by=area.lead,
    )
    assert {r.source_id for r in audit.records.all()} == {a.pk for a in mine}


def test_not_applicable_is_only_for_seeing_the_child_alone(area: Any) -> None:
    record_attendance(area, 0)
    audit = services.audit_draw(partnership=area.partnership, rule=_ed_rule(area, size=1), by=area.lead)
    with pytest.raises(ValidationError) as refused:
        services.record_answer(record=audit.records.get(), answers={"cpis_checked": "na"}, by=area.lead)
    assert "cpis_checked" in refused.value.message_dict
    assert not AuditAnswer.objects.exists()


def test_an_answer_outside_the_scale_is_refused_and_nothing_is_written(area: Any) -> None:
    record_attendance(area, 0)
    audit = services.audit_draw(partnership=area.partnership, rule=_ed_rule(area, size=1), by=area.lead)
    with pytest.raises(ValidationError):
        services.record_answer(
            record=audit.records.get(),
            answers={"risk_assessment": "yes", "seen_alone": "maybe"},
            by=area.lead,
        )
    assert not AuditAnswer.objects.exists()


def test_another_trusts_lead_may_not_audit_this_trust(area: Any) -> None:
    record_attendance(area, 0)
    with pytest.raises(PermissionError):
        services.audit_draw(partnership=area.partnership, rule=_ed_rule(area, size=1), by=area.other_lead)
    audit = services.audit_draw(partnership=area.partnership, rule=_ed_rule(area, size=1), by=area.lead)
    with pytest.raises(PermissionError):
        services.record_answer(
            record=audit.records.get(), answers={"cpis_checked": "yes"}, by=area.other_lead
        )
    assert not AuditAnswer.objects.exists()


def test_halves_round_up_as_people_expect() -> None:
    assert Rate(1, 8).text == "1 of 8 (13%)"
    assert Rate(14, 16).text == "14 of 16 (88%)"
    assert Rate(0, 0).text == "none applicable"


@given(
    st.integers(min_value=1, max_value=10_000).flatmap(lambda of: st.tuples(st.integers(0, of), st.just(of)))
)
def test_a_percentage_is_within_half_a_point_of_the_exact_rate(pair: tuple[int, int]) -> None:
    met, of = pair
    percent = Rate(met, of).percent
    assert percent is not None
    assert abs(Fraction(percent) - Fraction(met * 100, of)) <= Fraction(1, 2)


@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["yes", "no", "na"]))))
def test_rates_count_yes_over_yes_and_no(pairs: list[tuple[str, str]]) -> None:
    result = rates(pairs, ["a", "b"])
    for q in ("a", "b"):
        assert result[q].met == sum(1 for p in pairs if p == (q, "yes"))
        assert result[q].of == sum(1 for p in pairs if p[0] == q and p[1] != "na")
