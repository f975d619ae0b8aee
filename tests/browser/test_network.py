"""The network in a real browser, axe-checked: a police officer confirms proposed links and sees the group
they make; an officer records a Child Abduction Warning Notice and its breach; the link chart and the table
beside it show the same links."""

# shifted-clocks: pinned (every test runs from the fixed instant NOW)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.missing.models import MissingEpisode
from mace.network import communities, services
from mace.network.models import Disruption, Link, Proposal

from ..factories import AgencyFactory, PartnershipFactory, PersonFactory, TeamFactory, UserFactory
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
def hub(transactional_db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        partnership = PartnershipFactory()
        police = AgencyFactory(
            kind=Agency.Kind.POLICE, code="shire-police", name="Shire Police", partnerships=[partnership]
        )
        team = TeamFactory(agency=police, partnership=partnership, name="Vulnerability Hub")
        officer = UserFactory(team=team, agency=police, roles=[Role.POLICE_OFFICER])
        children = [
            PersonFactory(partnership=partnership, given_names=n, family_name="Brookes")
            for n in ("Kayla", "Mia", "Leah")
        ]
        adult = services.subject_record(
            partnership=partnership,
            data=services.SubjectIn(
                kind="adult",
                name="Darren Mole",
                source="Intelligence report",
                source_reliability="B",
                information_assessment=2,
                handling_code=1,
            ),
            by=officer,
        )
        yield type(
            "Hub", (), {"partnership": partnership, "officer": officer, "children": children, "adult": adult}
        )


def _episodes(hub: Any) -> None:
    seen = NOW - timedelta(days=5)
    for i, child in enumerate(hub.children):
        MissingEpisode.objects.create(
            partnership=hub.partnership,
            police_ref=f"MFH-{i}",
            route="web",
            subject={},
            person=child,
            match_status="matched",
            category="missing",
            setting="home",
            risk=2,
            reported_at=seen,
            last_seen_at=seen - timedelta(hours=1),
            last_seen_place="Halbury bus station",
            circumstances="Did not come home.",
            status="returned",
            returned_at=seen + timedelta(hours=12),
            found_with="an older man, Darren Mole",
            strategy_due_at=seen + timedelta(hours=48),
        )
    services.proposals_make(partnership_id=hub.partnership.pk, since=NOW - timedelta(days=30))


def test_a_police_officer_confirms_proposed_links_and_sees_the_group(
    page: Any, live_server: Any, assert_accessible: Any, hub: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        _episodes(hub)
        sign_in(page, live_server, hub.officer)
        page.get_by_role("link", name="Network").first.click()
        page.get_by_role("link", name="3 proposed links to decide").click()
        expect(page.get_by_role("heading", name="Proposed links")).to_be_visible()
        assert_accessible(page)
        for proposal in Proposal.objects.order_by("pk"):
            page.locator(f"#decision-{proposal.pk}-confirm").check()
            page.get_by_role("button", name=f"Save the decision on proposal {proposal.pk}").click()
            expect(page.get_by_text("Link confirmed")).to_be_visible()
        expect(page.get_by_text("No proposed links to decide.")).to_be_visible()
        assert communities.refresh().proposed == 1
        page.goto(f"{live_server.url}/network/?type=group")
        page.get_by_role("link", name="Proposed group 1: 3 children and 1 others").click()
        expect(page.get_by_role("heading", name="Children in the group")).to_be_visible()
        expect(page.get_by_role("link", name="Kayla Brookes").first).to_be_visible()
        assert_accessible(page)


def test_an_officer_records_a_cawn_and_its_breach(
    page: Any, live_server: Any, assert_accessible: Any, hub: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        services.association_record(
            partnership=hub.partnership,
            data=services.LinkIn(kind=Link.SEEN_WITH, person=hub.children[0], subject=hub.adult),
            by=hub.officer,
        )
        sign_in(page, live_server, hub.officer)
        page.goto(f"{live_server.url}/network/subjects/{hub.adult.pk}/")
        page.get_by_role("link", name="Record disruption").click()
        assert_accessible(page)
        page.get_by_label("Child Abduction Warning Notice").check()
        page.get_by_label("Issued by").fill("PC Dana Shaw")
        served = page.locator("#served-on")
        served.get_by_label("Day").fill("2")
        served.get_by_label("Month").fill("11")
        served.get_by_label("Year").fill("2026")
        expires = page.locator("#expires-on")
        expires.get_by_label("Day").fill("1")
        expires.get_by_label("Month").fill("11")
        expires.get_by_label("Year").fill("2026")
        page.get_by_label("Kayla Brookes").check()
        page.get_by_role("button", name="Record the disruption").click()
        expect(
            page.get_by_text("The expiry date must be the same as or after the date it was served").first
        ).to_be_visible()
        assert_accessible(page)
        assert not Disruption.objects.exists()
        expires.get_by_label("Year").fill("2028")
        page.get_by_role("button", name="Record the disruption").click()
        expect(page.get_by_role("heading", name="Child Abduction Warning Notice")).to_be_visible()
        page.get_by_label("Day").fill("10")
        page.get_by_label("Month").fill("11")
        page.get_by_label("Year").fill("2026")
        page.get_by_label("What happened?").fill("Seen with Kayla at the flat.")
        page.get_by_role("button", name="Record the breach").click()
        expect(page.get_by_text("Breach recorded; the lead officer has been told")).to_be_visible()
        expect(page.get_by_text("Seen with Kayla at the flat.")).to_be_visible()
        assert_accessible(page)


def test_the_link_chart_and_its_table_show_the_same_links(
    page: Any, live_server: Any, assert_accessible: Any, hub: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        for child in hub.children:
            services.association_record(
                partnership=hub.partnership,
                data=services.LinkIn(kind=Link.SEEN_WITH, person=child, subject=hub.adult),
                by=hub.officer,
            )
        sign_in(page, live_server, hub.officer)
        page.goto(f"{live_server.url}/network/subjects/{hub.adult.pk}/")
        chart = page.locator("#network-chart")
        expect(chart).to_be_visible()
        expect(chart).to_have_attribute("data-edges", "3")
        expect(page.locator("#network-table tbody tr")).to_have_count(3)
        assert_accessible(page)
        page.get_by_label("Peers").check()
        page.get_by_role("button", name="Show these links").click()
        expect(page.get_by_text("No links match these filters")).to_be_visible()
