"""Lead professionals and governance meetings: a lead professional per agency and partnership, meetings
with attendance and the oversight pack for their period, and decisions whose actions go into the action
plan (refused without an owner or due date, and then nothing is written)."""

# shifted-clocks: pinned

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from mace.accounts.models import Role
from mace.improvement.governance import selectors, services
from mace.improvement.governance.models import GovernanceDecision, LeadProfessional
from mace.improvement.models import Action

from ...conftest import sign_in
from ...factories import AgencyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2023, 1, 3, 10, 0, tzinfo=UTC)  # as the improvement tests: the shipped plan is loaded


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(partnership: Any) -> Any:
    return UserFactory(
        roles=[Role.BUSINESS_MANAGER],
        team=TeamFactory(partnership=partnership, agency=AgencyFactory(partnerships=[partnership])),
        first_name="Helen",
        last_name="Marsh",
    )


@pytest.fixture
def meeting(partnership: Any, manager: Any) -> Any:
    return services.meeting_record(
        partnership=partnership, kind="quarterly", held_on=date(2022, 12, 20), chair="DCI Ridley", by=manager
    )


def test_a_new_lead_professional_ends_the_one_before(partnership: Any, manager: Any) -> None:
    agency = AgencyFactory(name="Shire Constabulary", partnerships=[partnership])
    first = services.lead_professional_set(
        partnership=partnership, agency=agency, name="DI Shah", since=date(2022, 1, 4), by=manager
    )
    services.lead_professional_set(
        partnership=partnership, agency=agency, name="DI Owen", since=date(2022, 9, 1), by=manager
    )
    first.refresh_from_db()
    assert first.until == date(2022, 9, 1)
    leads = {row.agency.name: row.lead.name if row.lead else None for row in selectors.leads_for(manager)}
    assert leads["Shire Constabulary"] == "DI Owen"
    assert None in leads.values()  # the manager's own agency has nobody named yet


def test_a_lead_professional_dated_before_the_current_one_is_refused(partnership: Any, manager: Any) -> None:
    agency = AgencyFactory(partnerships=[partnership])
    services.lead_professional_set(
        partnership=partnership, agency=agency, name="A", since=date(2022, 9, 1), by=manager
    )
    with pytest.raises(ValidationError, match="since 1 September 2022"):
        services.lead_professional_set(
            partnership=partnership, agency=agency, name="B", since=date(2022, 8, 1), by=manager
        )
    assert LeadProfessional.objects.count() == 1


def test_a_meeting_in_the_future_is_refused(partnership: Any, manager: Any) -> None:
    with pytest.raises(ValidationError, match="future"):
        services.meeting_record(
            partnership=partnership, kind="pan_area", held_on=date(2023, 2, 1), chair="Police", by=manager
        )


def test_the_meetings_pack_is_the_last_quarter_ended_by_the_meeting(meeting: Any) -> None:
    assert selectors.pack_period(meeting).key == "quarter:2022-07"


def test_a_decision_with_an_action_adds_the_action_to_the_plan(plan: Any, meeting: Any, manager: Any) -> None:
    area = plan.areas.get(number="5.1")
    decision = services.decision_add(
        meeting=meeting,
        text="Training compliance is reported to every quarterly meeting",
        area=area,
        action_text="Report training compliance by agency to each quarterly meeting",
        owner="Chair of the Training subgroup",
        due=date(2023, 3, 31),
        by=manager,
    )
    assert decision.action is not None
    assert (decision.action.ref, decision.action.opened_on, decision.action.owner_rag) == (
        "5.1g",
        date(2022, 12, 20),
        "amber",
    )
    assert Action.objects.filter(area=area).count() == 7


def test_a_decisions_action_without_an_owner_or_due_date_is_refused_and_nothing_is_written(
    plan: Any, meeting: Any, manager: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.decision_add(
            meeting=meeting,
            text="Something",
            area=plan.areas.get(number="5.1"),
            owner="",
            due=None,
            by=manager,
        )
    assert set(refused.value.message_dict) == {"owner", "due"}
    assert not GovernanceDecision.objects.exists()
    assert Action.objects.filter(area__number="5.1", area__plan=plan).count() == 6


def test_an_executive_reads_the_meeting_and_its_pack_but_records_nothing(
    partnership: Any, meeting: Any
) -> None:
    client = Client()
    executive = UserFactory(
        roles=[Role.EXECUTIVE],
        team=TeamFactory(partnership=partnership, agency=AgencyFactory(partnerships=[partnership])),
    )
    sign_in(client, executive)
    page = client.get(f"/improvement/governance/meetings/{meeting.pk}/").content.decode()
    assert "/oversight/board-pack/?period=quarter:2022-07&amp;kind=quarterly" in page
    response = client.post(f"/improvement/governance/meetings/{meeting.pk}/decisions/", {"text": "No"})
    assert response.status_code == 404
    assert not GovernanceDecision.objects.exists()


def test_the_business_manager_records_a_decision_with_an_action_on_the_page(
    plan: Any, meeting: Any, manager: Any
) -> None:
    client = Client()
    sign_in(client, manager)
    area = plan.areas.get(number="5.1")
    response = client.post(
        f"/improvement/governance/meetings/{meeting.pk}/decisions/",
        {
            "text": "Report training compliance quarterly",
            "area": str(area.pk),
            "owner": "Chair of the Training subgroup",
            "due_day": "31",
            "due_month": "3",
            "due_year": "2023",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/improvement/governance/meetings/{meeting.pk}/").content.decode()
    assert "5.1g" in page
    assert client.get("/improvement/governance/").status_code == 200


def test_the_demo_names_a_lead_professional_per_agency_and_puts_a_meetings_action_in_the_plan(
    plan: Any,
) -> None:
    import random

    from mace.core.audit import Actor
    from mace.improvement.governance import generate

    partnership = plan.partnership
    AgencyFactory(partnerships=[partnership])
    counts = generate.generate(
        partnership=partnership, rng=random.Random(1), today=date(2023, 1, 3), actor=Actor.system("demo")
    )
    assert counts["Governance meetings"] >= 2
    assert (
        LeadProfessional.objects.filter(partnership=partnership, until__isnull=True).count()
        == counts["Lead professionals"]
    )
    assert (
        GovernanceDecision.objects.filter(meeting__partnership=partnership).count()
        == counts["Governance meetings"] + 1
    )
    assert Action.objects.filter(area__plan=plan).count() == 77
