"""Each role's journey in headless Chromium, with an axe check of every page it meets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mace.accounts.models import Role
from mace.people import services
from mace.people.models import ChronologyEvent

from ..factories import FlagFactory, InvolvementFactory, PartnershipFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def _code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(page: Any, live_server: Any, user: Any, check: Any = None) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if check:
        check(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/two-factor/**")
    if check:
        check(page)
    page.get_by_label("6-digit code from your authenticator app").fill(_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_signs_in_with_two_factor_and_lands_on_its_home(
    role: str, page: Any, live_server: Any, assert_accessible: Any
) -> None:
    user = UserFactory(roles=[role], team__partnership=PartnershipFactory())
    sign_in(page, live_server, user, check=assert_accessible if role == Role.SOCIAL_WORKER else None)
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    assert_accessible(page)


def test_social_worker_finds_a_child_and_reads_the_record(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    child = PersonFactory(given_names="Kayden", family_name="Moss")
    InvolvementFactory(person=child, team=worker.team)
    FlagFactory(person=child, kind="cce")
    ChronologyEvent.objects.create(
        person=child,
        occurred_at="2025-03-01T10:00:00Z",
        kind="visit",
        title="Home visit: seen alone",
        body="Said he feels safe at school.",
        actor_label="worker",
    )
    sign_in(page, live_server, worker)
    page.get_by_role("link", name="Find a person").click()
    assert_accessible(page)
    page.get_by_label("Name, date of birth (DD/MM/YYYY) or identifier").fill("kayden moss")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("link", name="Kayden Moss").click()
    expect(page.get_by_role("heading", name="Kayden Moss")).to_be_visible()
    expect(page.get_by_text("Home visit: seen alone")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Who has looked at this record").click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/{child.pk}/flags/new/")
    page.get_by_role("button", name="Set flag").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)


def test_ed_clinician_breaks_glass_and_the_lead_reviews_it(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any
) -> None:
    partnership = PartnershipFactory()
    clinician = UserFactory(roles=[Role.ED_CLINICIAN], team__partnership=partnership)
    lead = UserFactory(roles=[Role.HEALTH_SAFEGUARDING_LEAD], team__partnership=partnership)
    child = PersonFactory(partnership=partnership)
    sign_in(page, live_server, clinician)
    page.goto(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("heading", name="Record not available")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="give a reason to open it").click()
    page.get_by_role("button", name="Open the record").click()
    assert_accessible(page)
    page.get_by_label("Why do you need to see this record now?").fill(
        "Attending ED tonight with a stab wound"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_text("You opened this record with break-glass access")).to_be_visible()
    assert_accessible(page)

    lead_page = browser.new_context().new_page()
    sign_in(lead_page, live_server, lead)
    expect(lead_page.get_by_text("Break-glass access by")).to_be_visible()
    lead_page.get_by_role("link", name="Break-glass reviews").click()
    assert_accessible(lead_page)
    lead_page.get_by_role("link", name=re.compile(r"^Review\s+access by")).click()
    assert_accessible(lead_page)
    lead_page.get_by_label("Yes, appropriate").check()
    lead_page.get_by_role("button", name="Record the review").click()
    expect(lead_page.get_by_text("Nothing awaits review")).to_be_visible()


def test_front_door_worker_adds_a_person_after_fixing_errors(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    user = UserFactory(roles=[Role.FRONT_DOOR_WORKER], team__partnership=PartnershipFactory())
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/people/new/")
    assert_accessible(page)
    page.get_by_label("NHS number (optional)").fill("123 456 7890")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Given names").fill("Amira")
    page.get_by_label("Family name").fill("Hussain")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("Female").check()
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2010")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name="Amira Hussain")).to_be_visible()
    assert_accessible(page)


def test_executive_sees_figures_but_no_names(page: Any, live_server: Any, assert_accessible: Any) -> None:
    partnership = PartnershipFactory()
    executive = UserFactory(roles=[Role.EXECUTIVE], team__partnership=partnership)
    executive.agency.partnerships.add(partnership)
    writer = UserFactory(roles=[Role.FRONT_DOOR_WORKER], team__partnership=partnership)
    services.person_create(
        data=services.NewPerson(given_names="Unseen", family_name="Child"), partnership=partnership, by=writer
    )
    sign_in(page, live_server, executive)
    expect(page.get_by_text("Children on record")).to_be_visible()
    assert page.get_by_text("Unseen").count() == 0
    assert_accessible(page)


def test_signing_out_and_the_accessibility_statement(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    user = UserFactory(roles=[Role.TEAM_MANAGER])
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/accessibility")
    assert_accessible(page)
    page.get_by_role("link", name="Sign out").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/")
    assert "/sign-in/" in page.url


def test_returning_user_enters_a_code_from_their_enrolled_device(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    user = UserFactory(roles=[Role.SOCIAL_WORKER])
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)


def test_administrator_changes_an_accounts_roles(page: Any, live_server: Any, assert_accessible: Any) -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    worker = UserFactory(roles=[Role.SOCIAL_WORKER], team__agency=admin.agency)
    sign_in(page, live_server, admin)
    page.get_by_role("link", name="Accounts").click()
    assert_accessible(page)
    page.get_by_role("link", name=worker.username).click()
    assert_accessible(page)
    page.get_by_label("Education officer").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text(f"Roles changed for {worker.username}")).to_be_visible()
    assert_accessible(page)
