"""The business manager's governance journey in a real browser, axe-checked: a quarterly meeting is
recorded, a decision's action goes into the action plan, and the thematic report on the voice of the child
is read."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.core.audit import Actor
from mace.improvement import plan_file, services
from mace.improvement.governance.models import GovernanceDecision
from mace.improvement.models import Action

from ..factories import PartnershipFactory, UserFactory
from ..improvement.conftest import NOW
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(transactional_db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        partnership = PartnershipFactory()
        result = services.plan_import(
            parsed=plan_file.read(plan_file.SHIPPED), partnership=partnership, actor=Actor.system("test")
        )
        yield result.plan


def test_the_business_manager_records_a_meeting_whose_action_goes_into_the_plan(
    page: Any, live_server: Any, assert_accessible: Any, plan: Any
) -> None:
    manager = UserFactory(
        roles=[Role.BUSINESS_MANAGER],
        team__partnership=plan.partnership,
        team__agency__partnerships=[plan.partnership],
    )
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, manager)
        page.get_by_role("link", name="Governance").first.click()
        expect(page.get_by_role("heading", name="Lead professionals and governance meetings")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("radio", name="Quarterly multi-agency meeting").check()
        held = page.get_by_role("group", name="Held on")
        held.get_by_label("Day").fill("20")
        held.get_by_label("Month").fill("12")
        held.get_by_label("Year").fill("2022")
        page.get_by_label("Chair", exact=True).fill("Helen Marsh")
        page.get_by_role("button", name="Record the meeting").click()
        expect(page.get_by_text("Quarterly multi-agency meeting recorded")).to_be_visible()
        expect(page.get_by_role("link", name="read the pack")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What the meeting decided").fill("Training compliance to every quarterly meeting")
        page.get_by_label("Priority area of the plan").select_option(
            label="5.1 Practice standards and training on exploitation (" + plan.title + ")"
        )
        page.get_by_label("Owner: a person or a partnership group").fill("Chair of the Training subgroup")
        due = page.get_by_role("group", name="Due by")
        due.get_by_label("Day").fill("31")
        due.get_by_label("Month").fill("3")
        due.get_by_label("Year").fill("2023")
        page.get_by_role("button", name="Save the decision").click()
        expect(page.get_by_text("action 5.1g added to the plan")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="5.1g").click()
        expect(page.get_by_role("heading", name="Action 5.1g")).to_be_visible()
        page.goto(f"{live_server.url}/improvement/thematic/voice/?period=quarter:2022-07")
        expect(page.get_by_role("heading", name="The voice of the child")).to_be_visible()
        assert_accessible(page)
    assert GovernanceDecision.objects.get().action == Action.objects.get(area__plan=plan, ref="5.1g")
