"""Dip samples of front door contacts: drawn by a rule from live data (reproducible, stratified by team,
only flagged children when asked), refused when nothing matches, assigned across agencies, each agency
answering its part; results against the last audit; learning into the action plan."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.improvement import plan_file
from mace.improvement import services as improvement_services
from mace.improvement.audits import presenters, sampling, selectors, services
from mace.improvement.audits.models import Audit, AuditAnswer, AuditAssignment
from mace.improvement.models import Action, Evidence

from ...factories import FlagFactory, PersonFactory, TeamFactory, UserFactory
from .conftest import NOW, decided_contact

pytestmark = pytest.mark.django_db
LAST_MONTH = (date(2026, 10, 1), date(2026, 10, 31))


def _rule(**overrides: Any) -> services.Rule:
    values: dict[str, Any] = {
        "tool_code": "front_door",
        "period_start": LAST_MONTH[0],
        "period_end": LAST_MONTH[1],
        "size": 10,
        "seed": 7,
    }
    values.update(overrides)
    return services.Rule(**values)


@pytest.fixture
def contacts(area: Any) -> list[Any]:
    """30 contacts decided last month: 20 allocated to one team, 10 to another; 3 more this month."""
    team_a = TeamFactory(agency=area.council, partnership=area.partnership, name="Team A")
    team_b = TeamFactory(agency=area.council, partnership=area.partnership, name="Team B")
    made = [decided_contact(area, team=team_a if i < 20 else team_b, days_ago=25 + i % 5) for i in range(30)]
    for _ in range(3):
        decided_contact(area, team=team_a, days_ago=2)
    return made


def test_ten_contacts_decided_last_month_are_drawn_reproducibly(area: Any, contacts: list[Any]) -> None:
    first = services.audit_draw(partnership=area.partnership, rule=_rule(), by=area.business_manager)
    again = services.audit_draw(partnership=area.partnership, rule=_rule(), by=area.business_manager)
    other = services.audit_draw(partnership=area.partnership, rule=_rule(seed=8), by=area.business_manager)
    ids = sorted(first.records.values_list("source_id", flat=True))
    assert len(ids) == 10 and first.matched == 30
    assert set(ids) <= {c.pk for c in contacts}
    assert ids == sorted(again.records.values_list("source_id", flat=True))
    assert ids != sorted(other.records.values_list("source_id", flat=True))
    assert (
        "10 of the front door contacts decided from 1 October 2026 to 31 October 2026"
        in first.rule["described"]
    )


def test_a_stratified_sample_takes_each_team_in_proportion(area: Any, contacts: list[Any]) -> None:
    audit = services.audit_draw(
        partnership=area.partnership, rule=_rule(size=9, stratify=True), by=area.business_manager
    )
    by_team = sorted(audit.records.values_list("team__name", flat=True))
    assert by_team.count("Team A") == 6 and by_team.count("Team B") == 3


def test_only_children_with_a_cse_flag_when_the_rule_says_so(area: Any, contacts: list[Any]) -> None:
    flagged = PersonFactory(partnership=area.partnership)
    FlagFactory(person=flagged, kind="cse")
    mine = decided_contact(area, team=contacts[0].allocated_team, person=flagged, days_ago=20)
    audit = services.audit_draw(
        partnership=area.partnership, rule=_rule(size=None, flag="cse"), by=area.business_manager
    )
    assert list(audit.records.values_list("source_id", flat=True)) == [mine.pk]


def test_a_rule_that_matches_no_records_says_so_and_makes_no_audit(area: Any, contacts: list[Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.audit_draw(
            partnership=area.partnership,
            rule=_rule(period_start=date(2025, 1, 1), period_end=date(2025, 1, 31)),
            by=area.business_manager,
        )
    assert "No records match the rule" in str(refused.value)
    assert not Audit.objects.exists()


def test_a_worker_who_does_not_run_audits_cannot_draw_one(area: Any, contacts: list[Any]) -> None:
    with pytest.raises(PermissionError):
        services.audit_draw(partnership=area.partnership, rule=_rule(), by=area.front_door_worker)
    assert not Audit.objects.exists()


def test_each_agency_answers_its_own_part(area: Any, contacts: list[Any]) -> None:
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=2), by=area.business_manager)
    second_officer = UserFactory(team=area.police_team, roles=["police_officer"])
    assert (
        services.audit_assign(
            audited=audit,
            agency_kind="police",
            auditors=[area.officer, second_officer],
            by=area.business_manager,
        )
        == 2
    )
    first, second = audit.records.order_by("occurred_at", "pk")
    assert AuditAssignment.objects.get(record=first, agency_kind="police").auditor == area.officer
    assert AuditAssignment.objects.get(record=second, agency_kind="police").auditor == second_officer
    services.record_answer(record=first, answers={"police_information_shared": "no"}, by=area.officer)
    # The police officer may not answer the social care part, nor the other officer's record.
    with pytest.raises(PermissionError):
        services.record_answer(record=first, answers={"decided_in_time": "yes"}, by=area.officer)
    with pytest.raises(PermissionError):
        services.record_answer(record=second, answers={"police_information_shared": "yes"}, by=area.officer)
    assert list(AuditAnswer.objects.values_list("question", "answer")) == [
        ("police_information_shared", "no")
    ]


def test_an_auditor_must_be_of_the_parts_agency(area: Any, contacts: list[Any]) -> None:
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=2), by=area.business_manager)
    with pytest.raises(ValidationError):
        services.audit_assign(
            audited=audit, agency_kind="police", auditors=[area.nurse], by=area.business_manager
        )
    assert not AuditAssignment.objects.exists()


def _answer_all(audit: Any, manager: Any, officer: Any, nurse: Any, *, met: int) -> None:
    services.audit_assign(audited=audit, agency_kind="csc", auditors=[manager], by=manager)
    services.audit_assign(audited=audit, agency_kind="police", auditors=[officer], by=manager)
    services.audit_assign(audited=audit, agency_kind="health", auditors=[nurse], by=manager)
    for n, record in enumerate(audit.records.order_by("occurred_at", "pk")):
        yes = "yes" if n < met else "no"
        services.record_answer(
            record=record,
            answers={
                "decided_in_time": yes,
                "history_considered": "yes",
                "voice_recorded": "na" if n == 0 else yes,
                "threshold_right": "yes",
                "management_oversight": yes,
            },
            by=manager,
        )
        services.record_answer(record=record, answers={"police_information_shared": "yes"}, by=officer)
        services.record_answer(record=record, answers={"health_information_shared": yes}, by=nurse)


def test_results_are_computed_and_compared_with_the_last_audit(area: Any, contacts: list[Any]) -> None:
    nurse_auditor = area.lead
    before = services.audit_draw(
        partnership=area.partnership,
        rule=_rule(period_start=date(2026, 10, 1), period_end=date(2026, 10, 21), size=8),
        by=area.manager,
    )
    _answer_all(before, area.manager, area.officer, nurse_auditor, met=4)
    now = services.audit_draw(
        partnership=area.partnership,
        rule=_rule(period_start=date(2026, 10, 22), period_end=date(2026, 10, 31), size=8),
        by=area.manager,
    )
    _answer_all(now, area.manager, area.officer, nurse_auditor, met=7)
    result = selectors.results(now)
    assert result.previous == before
    rows = {r.question.code: r for r in result.rows}
    assert rows["decided_in_time"].rate.text == "7 of 8 (88%)"
    assert (
        rows["decided_in_time"].before is not None and rows["decided_in_time"].before.text == "4 of 8 (50%)"
    )
    assert rows["decided_in_time"].change == 38
    assert rows["voice_recorded"].rate.text == "6 of 7 (86%)"  # the first record: not applicable
    assert (
        presenters.result_sentence(
            rows["decided_in_time"].question, rows["decided_in_time"].rate, suppress=False
        )
        == "The contact was decided within the 24-hour standard in 7 of 8 (88%)"
    )
    now.refresh_from_db()
    assert now.completed_at == NOW


def test_a_reader_of_aggregates_only_never_sees_a_small_count(area: Any, contacts: list[Any]) -> None:
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=8), by=area.manager)
    _answer_all(audit, area.manager, area.officer, area.lead, met=7)
    row = next(r for r in selectors.results(audit).rows if r.question.code == "decided_in_time")
    assert row.rate.shown(suppress=False) == "7 of 8 (88%)"
    assert row.rate.shown(suppress=True) == "more than 3 of 8"  # one record did not meet it


def test_a_child_is_named_only_to_a_reader_who_may_open_the_record(area: Any) -> None:
    child = PersonFactory(partnership=area.partnership, given_names="Kai", family_name="Lowe")
    decided_contact(area, team=area.front_door, person=child, days_ago=20)
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=None), by=area.business_manager)
    record = audit.records.get()
    assert selectors.visible_records(area.front_door_worker, [record]) == {
        record.pk
    }  # the front door's contact
    assert selectors.visible_records(area.officer, [record]) == set()
    assert selectors.visible_records(area.business_manager, [record]) == set()
    _, visible = selectors.record_for(area.front_door_worker, audit, record.pk)
    assert visible
    assert AccessLogEntry.objects.filter(
        object_type="audit_record", person_id=child.pk, action=AccessLogEntry.Action.VIEW
    ).exists()


def test_the_learning_goes_to_an_action_of_the_plan_with_the_audit_as_evidence(
    area: Any, contacts: list[Any]
) -> None:
    improvement_services.plan_import(
        parsed=plan_file.read(plan_file.SHIPPED), partnership=area.partnership, actor=Actor.system("test")
    )
    action = Action.objects.get(ref="3.1e", area__plan__partnership=area.partnership)
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=8), by=area.manager)
    _answer_all(audit, area.manager, area.officer, area.lead, met=7)
    services.learning_record(
        audited=audit,
        learning="Voice recorded well; history often missed.",
        action=action,
        by=area.business_manager,
    )
    update = action.updates.order_by("-recorded_at", "-pk").first()
    assert update is not None and "history often missed" in update.text and update.on == NOW.date()
    evidence = Evidence.objects.get(action=action, kind="audit")
    assert "decided within the 24-hour standard in 7 of 8 (88%)" in evidence.description
    audit.refresh_from_db()
    assert audit.learning_action == action


def test_learning_without_words_is_refused(area: Any, contacts: list[Any]) -> None:
    audit = services.audit_draw(partnership=area.partnership, rule=_rule(size=2), by=area.business_manager)
    with pytest.raises(ValidationError):
        services.learning_record(audited=audit, learning="  ", action=None, by=area.business_manager)
    audit.refresh_from_db()
    assert audit.learning == ""


class _C:
    def __init__(self, source_id: int, team_id: int | None) -> None:
        self.source_id, self.team_id = source_id, team_id


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.sampled_from([1, 2, 3, None]), min_size=1, max_size=40),
    st.integers(1, 80),
    st.integers(0, 10**6),
    st.booleans(),
)
def test_a_draw_is_reproducible_distinct_and_the_size_asked(
    teams: list[int | None], size: int, seed: int, stratify: bool
) -> None:
    pool = [_C(i, t) for i, t in enumerate(teams)]
    chosen = sampling.draw(pool, size=size, seed=seed, stratify=stratify)
    assert len(chosen) == min(size, len(pool))
    assert len({c.source_id for c in chosen}) == len(chosen)
    assert [c.source_id for c in chosen] == [
        c.source_id for c in sampling.draw(list(reversed(pool)), size=size, seed=seed, stratify=stratify)
    ]


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.integers(0, 9), st.integers(0, 50), min_size=1), st.integers(0, 200))
def test_stratum_allocations_add_up_and_stay_within_each_stratum(sizes: dict[int, int], total: int) -> None:
    shares = sampling.allocate(sizes, total)
    assert sum(shares.values()) == min(total, sum(sizes.values()))
    assert all(0 <= shares[k] <= sizes[k] for k in sizes)
