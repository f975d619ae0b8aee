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


def test_a_panel_adopts_the_group_and_holds_a_context_conference(
    page: Any, live_server: Any, assert_accessible: Any, hub: Any
) -> None:
    from mace.network.models import ContextAssessment, ContextPlan, Subject

    with time_machine.travel(NOW, tick=True):
        place = services.subject_record(
            partnership=hub.partnership,
            data=services.SubjectIn(
                kind="place",
                name="Kebab Palace",
                place_kind="takeaway",
                source="MACE panel",
                source_reliability="B",
                information_assessment=2,
                handling_code=2,
            ),
            by=hub.officer,
        )
        for child in hub.children:
            services.association_record(
                partnership=hub.partnership,
                data=services.LinkIn(kind=Link.FOUND_AT, person=child, subject=place),
                by=hub.officer,
            )
        assert communities.refresh().proposed == 1
        group = Subject.objects.get(kind="group")
        UserFactory(
            team=TeamFactory(
                agency=hub.officer.agency, partnership=hub.partnership, name="Safeguarding Unit"
            ),
            agency=hub.officer.agency,
            roles=[Role.TEAM_MANAGER],
            first_name="Priya",
            last_name="Shah",
        )
        sign_in(page, live_server, hub.officer)
        page.goto(f"{live_server.url}/network/subjects/{group.pk}/")
        assert_accessible(page)
        page.get_by_role("button", name="Adopt it and start a context assessment").click()
        expect(page.get_by_role("heading", name="Start a context assessment")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What prompted the assessment?").fill("Three girls found at the takeaway at night")
        trigger = page.locator("#triggered-on")
        for label, value in (("Day", "10"), ("Month", "11"), ("Year", "2026")):
            trigger.get_by_label(label).fill(value)
        page.get_by_role("button", name="Start the assessment").click()

        expect(page.get_by_role("heading", name="Scope of the assessment")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("The area or context assessed").fill("The takeaway and the car park behind it")
        for child in hub.children:
            page.get_by_label(child.display_name).check()
        page.get_by_role("button", name="Record the scope").click()

        expect(page.get_by_role("heading", name="Observation and safety mapping")).to_be_visible()
        assert_accessible(page)
        seen = page.locator("#on")
        for label, value in (("Day", "12"), ("Month", "11"), ("Year", "2026")):
            seen.get_by_label(label).fill(value)
        page.get_by_label("Where", exact=True).fill("Car park, 10pm")
        page.get_by_label("What was observed").fill("Men in a silver car offering lifts")
        first = page.locator("#safety-1")
        first.get_by_label("Place").fill("The car park")
        first.get_by_label("Unsafe").check()
        first.get_by_label("Why").fill("It is dark and men wait in cars")
        page.get_by_role("button", name="Save and weigh the contexts").click()

        expect(page.get_by_role("heading", name="Weigh the contexts")).to_be_visible()
        assert_accessible(page)
        peer = page.locator("#context-peer")
        peer.get_by_label("Harm").fill("Older girls introduce younger ones to the men")
        peer.get_by_label("Protective factors").fill("Friends look out for each other")
        page.get_by_label("Judgement").fill("A context of sexual exploitation after 9pm")
        page.get_by_role("button", name="Record the weighing").click()

        expect(page.get_by_role("heading", name="Context conference")).to_be_visible()
        assert_accessible(page)
        held = page.locator("#held-on")
        for label, value in (("Day", "17"), ("Month", "11"), ("Year", "2026")):
            held.get_by_label(label).fill(value)
        page.get_by_label("Chair (a child protection chair)").select_option(label="Priya Shah")
        page.get_by_label("Who attended").fill("Sam Patel, Licensing\nJo Reed, Eastshire Police")
        page.get_by_label("Discussion about the place or group").fill(
            f"{hub.children[0].given_names} was seen in the car park."
        )
        page.get_by_label("Decisions").fill("Licensing review; lighting in the car park")
        page.get_by_role("button", name="Record the conference").click()
        expect(page.get_by_text("not individuals").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Discussion about the place or group").fill(
            "The car park is dark; the takeaway opens late."
        )
        page.get_by_role("button", name="Record the conference").click()

        expect(page.get_by_role("heading", name="Context plan")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What the plan will change about the place or group").fill("A safer car park")
        action = page.locator("#action-1")
        action.get_by_label("What will be done").fill("Licensing review of opening hours")
        action.get_by_label("Partner").select_option("licensing")
        action.get_by_label("Owner").fill("Halbury licensing team")
        due = page.locator("#action-due-1")
        for label, value in (("Day", "1"), ("Month", "12"), ("Year", "2026")):
            due.get_by_label(label).fill(value)
        page.get_by_role("button", name="Save the context plan").click()
        expect(page.get_by_text("Context plan saved")).to_be_visible()
        expect(page.get_by_role("cell", name="Licensing review of opening hours")).to_be_visible()
        expect(page.get_by_text("Priya Shah (child protection chair)")).to_be_visible()
        assert_accessible(page)
        a = ContextAssessment.objects.get()
        assert a.step == "plan" and a.children.count() == 3
        assert ContextPlan.objects.get(assessment=a).review_on.isoformat() == "2027-02-17"
