"""An executive opens the board pack page, finds it accessible, and downloads the pack as a PDF."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.casework.models import Visit

from ..factories import PersonFactory, UserFactory
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_opens_the_board_pack_and_downloads_its_pdf(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=True):
        child = PersonFactory(given_names="Kayleigh", family_name="Brennan", date_of_birth=date(2011, 5, 1))
        Visit.objects.create(
            person=child,
            visited_on=date(2026, 9, 3),
            by_label="Sam Worker",
            seen=True,
            place="School",
            child_words="Kayleigh likes football now.",
            observations="Seen alone.",
            recorded_at=datetime(2026, 9, 3, 12, tzinfo=UTC),
        )
        executive = UserFactory(roles=[Role.EXECUTIVE])
        sign_in(page, live_server, executive)
        page.goto(f"{live_server.url}/oversight/board-pack/")
        expect(
            page.get_by_role("heading", name="Partnership board pack: July to September 2026")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="Children's experience", level=2)).to_be_visible()
        expect(page.get_by_text("“[name] likes football now.”")).to_be_visible()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the board pack (PDF)").click()
        assert download.value.suggested_filename == "mace-board-pack-quarter-2026-07.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
