"""The profile of children at risk in a real browser: an analyst opens it, axe-clean, and it reflows at
320 px with no horizontal scrolling (the charts' labels stay inside their pictures)."""
# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.people.models import Flag

from ..factories import PartnershipFactory, UserFactory
from ..oversight.conftest import NOW, Records, at
from .test_journeys import sign_in
from .test_reflow import MEASURE, SCROLL_REGION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def at_risk(transactional_db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        records = Records(PartnershipFactory())
        for i in range(7):
            child = records.child(given_names="Zebedee", family_name=f"Quillfeather{i}")
            records.flag(child, Flag.Kind.CSE if i % 2 else Flag.Kind.CCE, set_at=at(2 + i))
        yield records


def test_an_analyst_opens_the_profile_and_it_reflows_at_320_px(
    page: Any, live_server: Any, assert_accessible: Any, at_risk: Records
) -> None:
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, analyst)
        page.goto(f"{live_server.url}/oversight/profile/?period=month:2026-11")
        expect(page.get_by_role("heading", name="November 2026")).to_be_visible()
        expect(page.get_by_role("heading", name="Gaps in services")).to_be_visible()
        expect(page.locator("svg.mace-chart").first).to_be_visible()
        assert_accessible(page)
        assert "Quillfeather" not in page.content()
        page.set_viewport_size({"width": 320, "height": 640})
        seen = page.evaluate(MEASURE.replace("arguments[0]", repr(SCROLL_REGION)))
        assert seen["scrollWidth"] <= seen["innerWidth"], "the page scrolls sideways at 320 px"
        assert [s for s in seen["scrollers"] if not s["labelled"]] == []
        assert seen["clipped"] == []
