"""The missing journey in a real browser: police report a child missing, the morning list shows them,
the 48-hour strategy meeting requirement appears on time (time-machine), police record the return,
and the return home interview worker offers and completes the interview. Every page is checked
with axe."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.core import clocks
from mace.missing import services
from mace.missing.models import MissingEpisode, ReturnInterview, StrategyRequirement

from ..factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_when(page: Any, prefix: str, at: Any) -> None:
    local = at.astimezone(clocks.LONDON)
    page.locator(f"#id_{prefix}_day").fill(str(local.day))
    page.locator(f"#id_{prefix}_month").fill(str(local.month))
    page.locator(f"#id_{prefix}_year").fill(str(local.year))
    page.locator(f"#id_{prefix}_time").fill(local.strftime("%H:%M"))


def test_police_report_the_morning_list_shows_the_48_hour_rule_fires_and_the_interview_is_completed(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any
) -> None:
    partnership = PartnershipFactory()
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[partnership], name="Shire Police")
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    compass = AgencyFactory(kind=Agency.Kind.COMMISSIONED, partnerships=[partnership], name="Compass")
    TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
    officer = UserFactory(
        team=TeamFactory(agency=police, partnership=partnership), roles=[Role.POLICE_OFFICER]
    )
    rhi = UserFactory(
        team=TeamFactory(agency=compass, partnership=partnership, name="Return Home"), roles=[Role.RHI_WORKER]
    )

    # Police report the child missing, last seen nearly 48 hours ago.
    sign_in(page, live_server, officer)
    page.get_by_role("link", name="Missing now", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Report a child missing").click()
    page.get_by_role("button", name="Report missing").click()  # empty: every problem listed at once
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Given names").fill("Tia")
    page.get_by_label("Family name").fill("Okonjo-Smythe")
    page.locator("#id_dob_day").fill("3")
    page.locator("#id_dob_month").fill("4")
    page.locator("#id_dob_year").fill("2011")
    page.get_by_label("Police reference").fill("MFH/26/0001")
    page.get_by_label("Missing", exact=True).check()
    page.get_by_label("From care").check()
    page.get_by_label("High").check()
    seen = timezone.now() - timedelta(hours=47, minutes=50)
    _fill_when(page, "seen", seen)
    page.get_by_label("Where was the child last seen?").fill("Warrenford Road children's home")
    page.get_by_label("Circumstances").fill("Left through a window after midnight.")
    _fill_when(page, "reported", seen + timedelta(minutes=40))
    page.get_by_role("button", name="Report missing").click()
    expect(page.get_by_role("heading", name="Tia Okonjo-Smythe: missing now")).to_be_visible()
    assert_accessible(page)
    episode = MissingEpisode.objects.get(police_ref="MFH/26/0001")
    assert episode.person is not None and episode.person.date_of_birth == date(2011, 4, 3)

    # The morning list shows her, highest risk first, with the strategy meeting not yet due.
    page.get_by_role("link", name="Missing now", exact=True).click()
    expect(page.get_by_role("link", name="Tia Okonjo-Smythe")).to_be_visible()
    assert_accessible(page)
    assert services.require_strategy_meetings() == 0  # not before 48 hours

    # Eleven minutes later she has been missing 48 hours: the worker's tick requires the meeting.
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert services.require_strategy_meetings() == 1
    assert StrategyRequirement.objects.filter(episode=episode, held_at__isnull=True).exists()
    page.get_by_role("link", name="Tia Okonjo-Smythe").click()
    expect(page.get_by_text("Required now").first).to_be_visible()
    assert_accessible(page)

    # Police record the return.
    page.get_by_role("button", name="Record the return").click()
    _fill_when(page, "returned", timezone.now() - timedelta(minutes=5))
    page.get_by_label("Where was the child found?").fill("Halbury bus station")
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("The child's account, in their words").fill("I went to see my boyfriend.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_role("heading", name="Tia Okonjo-Smythe: returned")).to_be_visible()
    assert_accessible(page)

    # The return home interview worker offers and completes the interview.
    rhi_page = browser.new_context().new_page()
    sign_in(rhi_page, live_server, rhi)
    rhi_page.goto(f"{live_server.url}/missing/interviews/")
    assert_accessible(rhi_page)
    rhi_page.get_by_role("link", name="Tia Okonjo-Smythe").click()
    assert_accessible(rhi_page)
    rhi_page.get_by_role("button", name="Record the offer").click()
    rhi_page.get_by_role("button", name="Accepted").click()
    rhi_page.get_by_label("Conflict or arguments at home").check()
    rhi_page.get_by_label("To be with a boyfriend or girlfriend").check()
    rhi_page.get_by_label("Who were they with?").fill("Boyfriend, 19")
    rhi_page.get_by_label("What the child said, in their words").fill(
        "He picks me up when it kicks off at home."
    )
    assert_accessible(rhi_page)
    rhi_page.get_by_role("button", name="Complete the interview").click()
    expect(rhi_page.get_by_text("He picks me up when it kicks off at home.")).to_be_visible()
    assert_accessible(rhi_page)
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.completed_at is not None and interview.offered_on_time


def test_the_reports_and_patterns_pages_are_accessible(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    from mace.demo.generate import generate

    generate(children=300, seed=9)
    analyst = UserFactory(roles=[Role.FRONT_DOOR_MANAGER], team=TeamFactory(code="x-ifd", front_door=True))
    analyst.agency.partnerships.set([p for p in analyst.agency.partnerships.model.objects.all()])
    sign_in(page, live_server, analyst)
    for path in ("/missing/patterns/", "/missing/reports/monthly/", "/missing/reports/drivers/", "/missing/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)


def test_police_write_a_trigger_plan_and_the_morning_list_and_workload_show_it(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    partnership = PartnershipFactory()
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[partnership], name="Shire Police")
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
    officer = UserFactory(
        team=TeamFactory(agency=police, partnership=partnership), roles=[Role.POLICE_OFFICER]
    )
    data = services.EpisodeIn(
        police_ref="MFH/26/0100",
        category=MissingEpisode.Category.MISSING,
        setting=MissingEpisode.Setting.HOME,
        risk=MissingEpisode.Risk.MEDIUM,
        reported_at=timezone.now() - timedelta(hours=2),
        last_seen_at=timezone.now() - timedelta(hours=3),
        last_seen_place="Halbury bus station",
        circumstances="Did not come home after school.",
        subject={"given_names": "Jay", "family_name": "Marlow", "date_of_birth": "2010-06-01"},
    )
    episode, _ = services.episode_report(data=data, partnership=partnership, route="web", by=officer)

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/missing/episodes/{episode.pk}/")
    page.get_by_role("link", name="Police trigger plan").click()
    assert_accessible(page)
    page.get_by_role("button", name="Write a trigger plan").click()
    page.get_by_role("button", name="Save the trigger plan").click()  # empty: each missing part named
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What to do at once when the child is reported missing").fill(
        "Check the bus station and the skate park within the hour; call the allocated worker."
    )
    page.get_by_label("Where to look first").fill("Halbury bus station; the skate park.")
    page.get_by_label("What sets off the child's episodes").fill("Rows at home about curfew.")
    page.get_by_role("button", name="Save the trigger plan").click()
    expect(page.get_by_text("Trigger plan saved")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Missing now", exact=True).click()
    expect(page.get_by_role("link", name="Trigger plan for Jay Marlow")).to_be_visible()
    page.get_by_role("link", name="Workload and trigger plans").click()
    expect(page.get_by_role("heading", name="Missing from home: workload and trigger plans")).to_be_visible()
    assert_accessible(page)
