"""ED audits: the inspectors' November figures reproduced exactly from records and answers."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mace.health import selectors, services
from mace.health.figures import Rate, rates
from mace.health.models import Question

pytestmark = pytest.mark.django_db


def _record(area: Any, index: int, *, cpis: bool, seen_alone: bool | None) -> Any:
    arrived = timezone.now() - timedelta(days=2, hours=index)
    attendance, _ = services.attendance_record(
        data=services.AttendanceIn(
            arrived_at=arrived,
            presenting_complaint=f"Attendance {index}",
            subject={"given_names": f"Child{index}", "family_name": "Audit"},
            seen_alone=seen_alone,
            not_seen_alone_reason="" if seen_alone is not False else "Too young; parent present",
            cpis_checked=cpis,
            cpis_result="none" if cpis else "",
            exploitation_question_asked=True,
            discharged_at=arrived + timedelta(hours=1),
            discharge_plan="Home",
        ),
        by=area.nurse,
    )
    return attendance


def test_the_november_audit_figures_are_reproduced_exactly(ed_area: Any) -> None:
    """Of 22 cases: 20 (91%) risk assessment, 20 (91%) CP-IS checked, 17 (77%) clear planning,
    20 (91%) discharge safeguarded, and of 16 where seeing alone was appropriate, 14 (88%)."""
    # 22 records: CP-IS checked in 20; 16 where seeing the child alone was appropriate, 14 seen alone.
    records = [
        _record(ed_area, i, cpis=i >= 2, seen_alone=(True if i < 14 else False if i < 16 else None))
        for i in range(22)
    ]
    today = timezone.localdate()
    audit = services.audit_start(
        trust=ed_area.trust,
        period_start=today - timedelta(days=30),
        period_end=today,
        sample_size=22,
        by=ed_area.lead,
        seed=1,
    )
    answers = {}
    for i, r in enumerate(records):
        answers[(r.pk, Question.RISK_ASSESSMENT)] = "yes" if i not in (0, 21) else "no"
        answers[(r.pk, Question.CPIS_CHECKED)] = "yes" if r.cpis_checked else "no"  # from the record
        answers[(r.pk, Question.CLEAR_PLANNING)] = "yes" if i >= 5 else "no"
        answers[(r.pk, Question.DISCHARGE_SAFE)] = "yes" if i not in (3, 4) else "no"
        answers[(r.pk, Question.SEEN_ALONE)] = {True: "yes", False: "no", None: "na"}[r.seen_alone]
    services.audit_answer(ed_audit=audit, answers=answers, by=ed_area.lead)

    [result] = selectors.audit_results(ed_area.lead)
    assert result.trust == ed_area.trust.name
    assert result.records == 22
    assert {q: r.text for q, r in result.rates.items()} == {
        "risk_assessment": "20 of 22 (91%)",
        "cpis_checked": "20 of 22 (91%)",
        "clear_planning": "17 of 22 (77%)",
        "discharge_safe": "20 of 22 (91%)",
        "seen_alone": "14 of 16 (88%)",
    }
    audit.refresh_from_db()
    assert audit.completed_at is not None


def test_an_audit_samples_only_its_own_trusts_discharged_children(ed_area: Any) -> None:
    mine = [_record(ed_area, i, cpis=True, seen_alone=True) for i in range(3)]
    services.attendance_record(
        data=services.AttendanceIn(
            arrived_at=timezone.now() - timedelta(days=1),
            presenting_complaint="Elsewhere",
            discharged_at=timezone.now() - timedelta(hours=20),
            discharge_plan="Home",
        ),
        by=ed_area.other_nurse,
    )
    today = timezone.localdate()
    audit = services.audit_start(
        trust=ed_area.trust,
        period_start=today - timedelta(days=7),
        period_end=today,
        sample_size=50,
        by=ed_area.lead,
    )
    assert set(audit.attendances.all()) == set(mine)


def test_not_applicable_is_only_for_seeing_the_child_alone(ed_area: Any) -> None:
    record = _record(ed_area, 0, cpis=True, seen_alone=True)
    today = timezone.localdate()
    audit = services.audit_start(
        trust=ed_area.trust,
        period_start=today - timedelta(days=7),
        period_end=today,
        sample_size=1,
        by=ed_area.lead,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.audit_answer(ed_audit=audit, answers={(record.pk, "cpis_checked"): "na"}, by=ed_area.lead)


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


def test_results_can_be_read_by_quarter(ed_area: Any) -> None:
    record = _record(ed_area, 0, cpis=True, seen_alone=None)
    today = timezone.localdate()
    audit = services.audit_start(
        trust=ed_area.trust,
        period_start=today - timedelta(days=7),
        period_end=today,
        sample_size=1,
        by=ed_area.lead,
    )
    services.audit_answer(ed_audit=audit, answers={(record.pk, "cpis_checked"): "yes"}, by=ed_area.lead)
    [result] = selectors.audit_results(ed_area.lead, period="quarter")
    assert result.period.month in (1, 4, 7, 10) and result.period.day == 1
    assert result.rates["cpis_checked"].text == "1 of 1 (100%)"
