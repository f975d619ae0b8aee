"""Progress updates and sign-off: who may, what is refused (an update dated before the action existed or
in the future, a stale version, evidence naming no real measure, a sign-off with actions still open),
and that every write is audited."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mace.accounts.models import Role
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry
from mace.improvement import selectors, services
from mace.improvement.models import Action, ActionPlan, Evidence, PriorityArea

from ..factories import UserFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(partnership: Any) -> Any:
    return UserFactory(roles=[Role.BUSINESS_MANAGER], team__partnership=partnership)


def _action(plan: ActionPlan, ref: str) -> Action:
    return Action.objects.get(area__plan=plan, ref=ref)


def test_an_update_with_evidence_moves_the_owners_rag_and_is_audited(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1b")
    update = services.update_add(
        action=action,
        on=date(2023, 1, 2),
        text="Guidance agreed by the task and finish group.",
        owner_rag="green",
        evidence=[
            services.EvidenceIn(
                kind="document", description="The guidance", link="https://lscp.example/voice"
            ),
            services.EvidenceIn(kind="measure", description="Voice recorded", measure_code="voice_3_months"),
        ],
        version=action.version,
        by=manager,
    )
    action.refresh_from_db()
    assert (action.owner_rag, action.completed_on, action.version) == ("green", date(2023, 1, 2), 2)
    assert Evidence.objects.filter(update=update).count() == 2
    row = selectors.as_at(selectors.action_for(manager, plan, "1.1b"), TODAY)
    assert row.judgement.colour == "green" and row.judgement.flags == ()
    entry = AccessLogEntry.objects.get(object_type="improvement_update", object_id=str(update.pk))
    assert entry.actor_id == manager.pk and entry.detail["rag"] == "green"


def test_an_update_dated_before_the_action_existed_is_refused(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1b")
    with pytest.raises(ValidationError) as exc:
        services.update_add(
            action=action,
            on=date(2022, 7, 12),
            text="x",
            owner_rag="amber",
            version=action.version,
            by=manager,
        )
    assert "before the action existed" in exc.value.message_dict["on"][0]
    assert action.updates.count() == 1


def test_an_update_dated_in_the_future_is_refused(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1b")
    with pytest.raises(ValidationError, match="future"):
        services.update_add(
            action=action,
            on=date(2023, 1, 4),
            text="x",
            owner_rag="amber",
            version=action.version,
            by=manager,
        )


def test_an_update_on_a_stale_version_is_a_conflict(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1b")
    with pytest.raises(Conflict):
        services.update_add(action=action, on=TODAY, text="x", owner_rag="amber", version=None, by=manager)
    services.update_add(action=action, on=TODAY, text="first", owner_rag="amber", version=1, by=manager)
    with pytest.raises(Conflict):
        services.update_add(action=action, on=TODAY, text="second", owner_rag="red", version=1, by=manager)
    assert action.updates.count() == 2


def test_evidence_must_name_a_real_measure(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1b")
    with pytest.raises(ValidationError, match="no scorecard measure 'made_up'"):
        services.update_add(
            action=action,
            on=TODAY,
            text="x",
            owner_rag="amber",
            evidence=[services.EvidenceIn(kind="measure", description="x", measure_code="made_up")],
            version=1,
            by=manager,
        )


def test_an_older_update_does_not_replace_the_latest_judgement(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.1a")  # amber as of 14 December 2022
    services.update_add(
        action=action, on=date(2022, 11, 1), text="Backfilled.", owner_rag="red", version=1, by=manager
    )
    action.refresh_from_db()
    assert action.owner_rag == "amber"


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.SCRUTINEER, Role.PARTNERSHIP_ANALYST, Role.SOCIAL_WORKER]
)
def test_readers_cannot_update(plan: ActionPlan, partnership: Any, role: str) -> None:
    reader = UserFactory(roles=[role], team__partnership=partnership)
    action = _action(plan, "1.1b")
    with pytest.raises(PermissionError):
        services.update_add(action=action, on=TODAY, text="x", owner_rag="amber", version=1, by=reader)


def _green_area(plan: ActionPlan) -> PriorityArea:
    return PriorityArea.objects.get(plan=plan, number="2.3")  # every action green on 14 December 2022


def test_the_board_signs_off_an_area_whose_actions_are_all_complete(plan: ActionPlan, manager: Any) -> None:
    area = _green_area(plan)
    signed = services.area_sign_off(
        area=area,
        on=date(2022, 12, 20),
        note="Audits in November show the risk assessment completed in 91% of cases.",
        monitoring="The trust's safeguarding assurance committee, quarterly.",
        version=area.version,
        by=manager,
    )
    assert signed.signed_off and signed.signed_off_by == manager and signed.version == 2
    entry = AccessLogEntry.objects.get(object_type="priority_area", object_id=str(area.pk))
    assert entry.detail["signed_off"]["on"] == "2022-12-20"
    with pytest.raises(ValidationError, match="already signed off"):
        services.area_sign_off(area=area, on=TODAY, note="x", monitoring="y", version=2, by=manager)


def test_an_area_with_open_actions_cannot_be_signed_off(plan: ActionPlan, manager: Any) -> None:
    area = PriorityArea.objects.get(plan=plan, number="1.1")
    with pytest.raises(ValidationError) as exc:
        services.area_sign_off(area=area, on=TODAY, note="x", monitoring="y", version=1, by=manager)
    assert "1.1a, 1.1b, 1.1f still open" in exc.value.message_dict["__all__"][0]


def test_a_sign_off_needs_the_evidence_and_how_it_will_be_monitored(plan: ActionPlan, manager: Any) -> None:
    area = _green_area(plan)
    with pytest.raises(ValidationError) as exc:
        services.area_sign_off(area=area, on=None, note=" ", monitoring="", version=1, by=manager)
    assert set(exc.value.message_dict) == {"on", "note", "monitoring"}


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.TEAM_MANAGER])
def test_only_the_business_manager_or_an_administrator_records_a_sign_off(
    plan: ActionPlan, partnership: Any, role: str
) -> None:
    user = UserFactory(roles=[role], team__partnership=partnership)
    with pytest.raises(PermissionError):
        services.area_sign_off(area=_green_area(plan), on=TODAY, note="x", monitoring="y", version=1, by=user)


def test_the_rag_as_of_the_plans_update_and_three_weeks_later(plan: ActionPlan, manager: Any) -> None:
    """On 14 December 2022, 3.1a (due 13 July 2022, the owner says amber) is red: it is past due and not
    complete. By 3 January 2023, 3.2c and 4.3b (due 31 December 2022) have turned red too."""
    then = selectors.plan_view(manager, plan, on=date(2022, 12, 14))
    now = selectors.plan_view(manager, plan, on=TODAY)
    red_then = {r.action.ref for b in then.areas for r in b.rows if r.judgement.colour == "red"}
    red_now = {r.action.ref for b in now.areas for r in b.rows if r.judgement.colour == "red"}
    assert red_then == {"3.1a"}
    assert red_now - red_then == {"3.2c", "4.3b", "4.4b"}
    assert then.counts == {"amber": 41, "green": 35, "red": 1}
    assert then.flagged == 35  # every green is flagged: the plan's file links no evidence


def test_the_monthly_review_shows_what_moved(plan: ActionPlan, manager: Any) -> None:
    services.update_add(
        action=_action(plan, "5.1c"),
        on=date(2023, 1, 2),
        text="Booked.",
        owner_rag="red",
        version=1,
        by=manager,
    )
    review = selectors.monthly_review(manager, plan, TODAY)
    assert review.since == date(2022, 12, 3)
    moved = {c.row.action.ref: (c.before.colour, c.row.judgement.colour) for c in review.changes if c.moved}
    assert moved["5.1c"] == ("amber", "red")
    assert moved["3.2c"] == ("amber", "red")
    updated = {c.row.action.ref for c in review.changes if c.updates}
    assert "5.1c" in updated and "1.1a" in updated  # the plan's update of 14 December is in the month


def test_green_without_evidence_is_refused_unless_the_owner_says_why(plan: ActionPlan, manager: Any) -> None:
    action = _action(plan, "1.2c")
    with pytest.raises(ValidationError) as exc:
        services.update_add(
            action=action, on=TODAY, text="Programme agreed.", owner_rag="green", version=1, by=manager
        )
    assert (
        "add the evidence that it made a difference, or say why there is none"
        in exc.value.message_dict["evidence"][0]
    )
    services.update_add(
        action=action,
        on=TODAY,
        text="Programme agreed.",
        owner_rag="green",
        no_evidence_reason="The first visits are in March; their evaluation will be the evidence.",
        version=1,
        by=manager,
    )
    row = selectors.as_at(selectors.action_for(manager, plan, "1.2c"), TODAY)
    assert row.judgement.colour == "green"
    assert row.judgement.flags == (
        "Green with no evidence (the owner's reason: The first visits are in March; their evaluation will be "
        "the evidence.)",
    )


def test_after_sign_off_a_linked_measure_that_falls_is_flagged(plan: ActionPlan, manager: Any) -> None:
    """2.3 is signed off on 20 December 2022 with the front door's 24-hour reviews as evidence: 90 of 100 in
    November (the month the board saw), 60 of 100 in December (the latest complete month on 3 January)."""
    from django.utils import timezone

    from mace.oversight import scorecard
    from mace.oversight.models import MeasureFigure

    measure_set = scorecard.active_set()
    for period, numerator in (("month:2022-11", 90), ("month:2022-12", 60)):
        MeasureFigure.objects.create(
            measure_set=measure_set,
            measure="fd_reviewed_24h",
            partnership=plan.partnership,
            period=period,
            numerator=numerator,
            denominator=100,
            computed_at=timezone.now(),
        )
    action = _action(plan, "2.3b")
    services.update_add(
        action=action,
        on=date(2022, 12, 15),
        text="Every discharge reviewed.",
        owner_rag="green",
        evidence=[
            services.EvidenceIn(
                kind="measure", description="Reviews in 24 hours", measure_code="fd_reviewed_24h"
            )
        ],
        version=1,
        by=manager,
    )
    area = _green_area(plan)
    assert selectors.watched_measures(manager, area) == []  # not signed off yet
    services.area_sign_off(
        area=area, on=date(2022, 12, 20), note="Audits.", monitoring="Quarterly.", version=1, by=manager
    )
    area.refresh_from_db()
    [watch] = selectors.watched_measures(manager, area)
    assert (watch.baseline, watch.then, watch.latest, watch.now) == (
        "November 2022",
        "90 of 100 (90%)",
        "December 2022",
        "60 of 100 (60%)",
    )
    assert watch.fell
    assert [(a.number, w.code) for a, w in selectors.falls(manager, plan)] == [("2.3", "fd_reviewed_24h")]
    from django.test import Client

    from ..conftest import sign_in

    client = sign_in(Client(), manager)
    area_page = client.get(f"/improvement/plans/{plan.pk}/areas/2.3/").content.decode()
    assert "Contacts reviewed within 24 hours has fallen since the area was signed off" in area_page
    review = client.get(f"/improvement/plans/{plan.pk}/review/").content.decode()
    assert "Signed-off areas whose measures have fallen (1)" in review
