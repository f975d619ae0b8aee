"""The business manager's journey through the action plan in a real browser, axe-checked: the plan with
its computed RAG, an update with evidence on an action, and the improvement board's sign-off of an area."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.core.audit import Actor
from mace.improvement import plan_file, services
from mace.improvement.models import Action, PriorityArea

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


def test_the_business_manager_updates_an_action_with_evidence_and_the_board_signs_an_area_off(
    page: Any, live_server: Any, assert_accessible: Any, plan: Any
) -> None:
    manager = UserFactory(
        roles=[Role.BUSINESS_MANAGER],
        team__partnership=plan.partnership,
        team__agency__partnerships=[plan.partnership],
    )
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, manager)
        page.get_by_role("link", name="Action plans").first.click()
        expect(page.get_by_role("heading", name=plan.title)).to_be_visible()
        expect(page.get_by_text("Delayed: it was due by 13 July 2022").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("RAG", exact=True).select_option("red")
        page.get_by_role("button", name="Show actions").click()
        expect(page.get_by_text("Showing 4 of 77 actions")).to_be_visible()
        page.goto(f"{live_server.url}/improvement/plans/{plan.pk}/")
        page.get_by_role("link", name="1.1b").click()
        expect(page.get_by_role("heading", name="Action 1.1b")).to_be_visible()
        assert_accessible(page)
        # The owner's MACE account is chosen from the partnership's users.
        page.get_by_role("link", name="Change the owner").click()
        expect(page.get_by_role("heading", name="Owner of action 1.1b")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("The owner's MACE account (optional)").select_option(str(manager.pk))
        page.get_by_role("button", name="Save the owner").click()
        expect(page.get_by_role("heading", name="Action 1.1b")).to_be_visible()
        expect(page.get_by_text("(MACE account:")).to_be_visible()
        page.get_by_label("Day").fill("2")
        page.get_by_label("Month").fill("1")
        page.get_by_label("Year").fill("2023")
        page.get_by_label("What has been done").fill("Guidance on the child's voice published.")
        page.get_by_role("radio", name="Green").check()
        page.get_by_label("Kind of evidence").select_option("measure")
        page.get_by_label("What the evidence shows").fill("More children's words recorded each month")
        page.get_by_label("Scorecard measure that shows the impact").select_option("voice_3_months")
        page.get_by_role("button", name="Save the update").click()
        expect(page.get_by_text("Progress on 1.1b saved")).to_be_visible()
        expect(page.get_by_text("More children's words recorded each month")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Back to the plan").click()
        page.get_by_role("link", name="2.3 Identifying and responding").click()
        expect(page.get_by_role("heading", name="Sign-off by the improvement board")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Day").fill("20")
        page.get_by_label("Month").fill("12")
        page.get_by_label("Year").fill("2022")
        page.get_by_label("What evidence did the board accept").fill("November audits: 91% risk assessed.")
        page.get_by_label("How will it be monitored").fill("The trust's assurance committee, quarterly.")
        page.get_by_role("button", name="Record the sign-off").click()
        expect(page.get_by_text("2.3 signed off as fully addressed")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Back to the plan").click()
        page.get_by_role("link", name="What changed since last month").click()
        expect(page.get_by_role("heading", name="What changed since last month")).to_be_visible()
        assert_accessible(page)
        page.goto(f"{live_server.url}/oversight/board-pack/")
        expect(page.locator("#section-action-plan-title")).to_have_text("The action plan")
        assert_accessible(page)
    action = Action.objects.get(area__plan=plan, ref="1.1b")
    assert action.owner_rag == "green" and action.evidence.get().measure_code == "voice_3_months"
    assert action.owner_user_id == manager.pk
    assert PriorityArea.objects.get(plan=plan, number="2.3").signed_off
