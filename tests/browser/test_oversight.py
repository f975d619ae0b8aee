"""Leaders' journeys in a real browser, axe-checked: the executive opens the landing page, a red measure
and its exception report; an analyst drills from a figure to the children behind it (as counts); the
measure's owner writes the commentary."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.oversight.models import Commentary

from ..factories import PartnershipFactory, UserFactory
from ..oversight.conftest import NOW, Records, at
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_front_door(transactional_db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        records = Records(PartnershipFactory())
        for i in range(12):
            child = records.child(given_names="Zebedee", family_name=f"Quillfeather{i}")
            records.contact(child, received_at=at(3 + i), approved_at=at(3 + i, 20) if i < 6 else None)
        yield records


def test_an_executive_opens_a_red_measure_and_its_exception_report(
    page: Any, live_server: Any, assert_accessible: Any, late_front_door: Records
) -> None:
    executive = UserFactory(roles=[Role.EXECUTIVE])
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, executive)
        page.get_by_role("link", name="Oversight").first.click()
        expect(page.get_by_role("heading", name="What is red")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Contacts reviewed within 24 hours").first.click()
        expect(page.get_by_role("heading", name="Contacts reviewed within 24 hours")).to_be_visible()
        expect(page.get_by_text("6 of 12 (50%)").first).to_be_visible()
        expect(page.locator("svg.mace-chart")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Back to the scorecard").click()
        page.get_by_role("link", name="Read the exception report").click()
        expect(page.get_by_role("heading", name="Exception report: November 2026")).to_be_visible()
        assert_accessible(page)
        assert "Quillfeather" not in page.content()


def test_an_analyst_drills_from_a_figure_to_the_children_behind_it_and_writes_the_commentary(
    page: Any, live_server: Any, assert_accessible: Any, late_front_door: Records
) -> None:
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, analyst)
        page.goto(f"{live_server.url}/oversight/scorecard/?period=month:2026-11")
        assert_accessible(page)
        page.get_by_role("link", name="Contacts reviewed within 24 hours").click()
        expect(page.get_by_text("children are behind this figure")).to_be_visible()
        expect(page.get_by_role("table", name="By age")).to_be_visible()
        assert "Quillfeather" not in page.content()
        page.get_by_label("Why is the measure red").fill("Two vacancies in the screening team.")
        page.get_by_label("What is being done").fill("Agency cover from 1 December.")
        page.get_by_role("button", name="Save the commentary").click()
        expect(page.get_by_text("Commentary saved with the period")).to_be_visible()
        assert_accessible(page)
    assert Commentary.objects.get().text == "Two vacancies in the screening team."


def test_a_social_worker_sees_the_impact_chart_and_its_table_on_a_childs_record(
    page: Any, live_server: Any, assert_accessible: Any, transactional_db: Any
) -> None:
    from ..factories import InvolvementFactory
    from ..oversight.test_impact import _safer_child

    with time_machine.travel(NOW, tick=False):
        records = Records(PartnershipFactory())
        child = _safer_child(records)
        worker = UserFactory(roles=[Role.SOCIAL_WORKER])
        InvolvementFactory(person=child, team=worker.team)
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, worker)
        page.goto(f"{live_server.url}/people/{child.pk}/")
        expect(
            page.get_by_role("heading", name="Is Zebedee Quillfeather safer since the plan started?")
        ).to_be_visible()
        expect(page.locator("#impact ~ figure svg.mace-chart").first).to_be_visible()
        expect(page.get_by_role("table", name="Before and after each start of the plan")).to_be_visible()
        assert_accessible(page)
