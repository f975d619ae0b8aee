"""The front door journey in a real browser: a police VPA, matching, partner information, analysis,
the decision, a manager's approval, the social worker seeing it the same day; and a member of the
public reporting a concern. Every page is checked with axe."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.frontdoor.models import Contact, Task
from mace.people.keys import name_key

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _area() -> Any:
    partnership = PartnershipFactory()
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[partnership], name="Shire Police")
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    front_door = TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
    social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    return {
        "partnership": partnership,
        "officer": UserFactory(
            team=TeamFactory(agency=police, partnership=partnership), roles=[Role.POLICE_OFFICER]
        ),
        "worker": UserFactory(team=front_door, roles=[Role.FRONT_DOOR_WORKER], first_name="Priya"),
        "manager": UserFactory(team=front_door, roles=[Role.FRONT_DOOR_MANAGER], first_name="Gareth"),
        "social_worker": UserFactory(team=social_work, roles=[Role.SOCIAL_WORKER], first_name="Hannah"),
        "social_work": social_work,
    }


def test_vpa_to_approved_decision_seen_by_the_social_worker_the_same_day(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any
) -> None:
    area = _area()
    child = PersonFactory(
        partnership=area["partnership"],
        given_names="Kayden",
        family_name="Moss",
        family_key=name_key("Moss"),
        given_key="kayden",
        date_of_birth=date(2011, 3, 7),
    )
    InvolvementFactory(person=child, team=area["social_work"], worker=area["social_worker"])

    # The police officer sends a VPA with the details they have: a misspelt name, a wrong year.
    sign_in(page, live_server, area["officer"])
    page.get_by_role("link", name="Tell the front door about a concern").click()
    assert_accessible(page)
    page.get_by_label("Police vulnerable person assessment").check()
    page.get_by_label("Given names").fill("Kaden")
    page.get_by_label("Family name").fill("Moss")
    page.get_by_label("Day").fill("7")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2012")
    page.get_by_label("What has happened and what are you worried about?").fill(
        "Found in Crewe at 2am with two older males and £300 in cash."
    )
    page.get_by_label("County lines or drug running").check()
    page.get_by_label("What the child said, in their own words").fill("I owe them money.")
    page.get_by_role("button", name="Send to the front door").click()
    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    assert_accessible(page)
    contact = Contact.objects.get()
    assert contact.match_status == "needs_review"

    # The front door worker matches it, gathers information, analyses and decides.
    worker_page = browser.new_context().new_page()
    sign_in(worker_page, live_server, area["worker"])
    worker_page.get_by_role("link", name=re.compile(r"Front door queue: \d")).click()
    assert_accessible(worker_page)
    worker_page.get_by_role("link", name="1 to match to a child").click()
    assert_accessible(worker_page)
    worker_page.get_by_role("link", name=f"Match contact {contact.pk}").click()
    expect(worker_page.get_by_text("Kayden Moss, born")).to_be_visible()
    assert_accessible(worker_page)
    worker_page.get_by_role("button", name=re.compile("Link to Kayden Moss")).click()
    expect(worker_page.get_by_text("Contact linked to the child's record")).to_be_visible()
    assert_accessible(worker_page)
    worker_page.get_by_label("Police", exact=True).check()
    worker_page.get_by_label("What do you need to know?").fill("Previous missing episodes and intelligence")
    worker_page.get_by_role("button", name="Request information").click()
    worker_page.get_by_role("link", name=re.compile("Record the answer")).click()
    assert_accessible(worker_page)
    worker_page.get_by_label("What the agency shared").fill("Three missing episodes since September.")
    worker_page.get_by_role("button", name="Save").click()
    worker_page.get_by_label("Your analysis of what the information shows").fill(
        "Escalating criminal exploitation: debt bondage and repeat missing."
    )
    worker_page.get_by_label("High").check()
    worker_page.get_by_role("button", name="Save analysis").click()
    expect(worker_page.get_by_text("The evidence meets Level 4")).to_be_visible()
    worker_page.get_by_label("Referral to children's social care").check()
    worker_page.get_by_label("Reasons").fill("Significant harm likely; allocate to the exploitation team.")
    worker_page.get_by_label("Allocate to team").select_option(label="Exploitation Team")
    worker_page.get_by_role("button", name="Record decision").click()
    expect(worker_page.get_by_text("it now needs a manager's approval")).to_be_visible()
    assert_accessible(worker_page)

    # The manager approves: statutory work starts at once.
    manager_page = browser.new_context().new_page()
    sign_in(manager_page, live_server, area["manager"])
    manager_page.goto(f"{live_server.url}/front-door/contacts/{contact.pk}/")
    manager_page.get_by_role("button", name="Approve decision").click()
    expect(manager_page.get_by_text("Decision approved")).to_be_visible()
    assert_accessible(manager_page)
    assert set(Task.objects.filter(contact=contact).values_list("kind", flat=True)) == {"visit", "assessment"}

    # The social worker sees it the same day.
    sw_page = browser.new_context().new_page()
    sign_in(sw_page, live_server, area["social_worker"])
    expect(sw_page.get_by_text("New today about children your team works with")).to_be_visible()
    expect(sw_page.get_by_text("Visit the child")).to_be_visible()
    assert_accessible(sw_page)


def test_a_member_of_the_public_reports_a_concern(
    page: Any, live_server: Any, assert_accessible: Any, monkeypatch: Any
) -> None:
    from mace.frontdoor import views

    monkeypatch.setattr(views, "PUBLIC_MIN_SECONDS", 0)
    PartnershipFactory()
    page.goto(f"{live_server.url}/report-a-concern/")
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What are you worried about?").fill(
        "A girl from my street gets into cars with older men."
    )
    page.get_by_label("Child's first name").fill("Lily")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    assert_accessible(page)
    contact = Contact.objects.get()
    assert contact.kind == "public" and contact.route == "public"


def test_a_report_that_looks_automated_is_asked_again_with_nothing_lost(
    page: Any, live_server: Any, assert_accessible: Any, monkeypatch: Any
) -> None:
    from mace.frontdoor import views

    monkeypatch.setattr(views, "PUBLIC_MIN_SECONDS", 3600)  # every send is "too fast"
    PartnershipFactory()
    page.goto(f"{live_server.url}/report-a-concern/")
    page.get_by_label("What are you worried about?").fill("He is picked up from school by older men.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your report has not been sent yet")).to_be_visible()
    assert_accessible(page)
    assert Contact.objects.count() == 0
    monkeypatch.setattr(views, "PUBLIC_MIN_SECONDS", 0)
    assert page.get_by_label("What are you worried about?").input_value().startswith("He is picked up")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    assert Contact.objects.get().summary == "He is picked up from school by older men."


def test_front_door_meetings_performance_and_merge_pages(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    area = _area()
    one, two = PersonFactory(partnership=area["partnership"]), PersonFactory(partnership=area["partnership"])
    for person in (one, two):
        InvolvementFactory(person=person, team=area["manager"].team, kind="front_door")
    sign_in(page, live_server, area["manager"])
    for path in (
        "/front-door/meetings/daily/",
        "/front-door/meetings/weekly/",
        "/front-door/performance/",
        "/front-door/contacts/?met=review",
        f"/people/{one.pk}/merge/",
        f"/people/{one.pk}/merge/?other={two.pk}",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
