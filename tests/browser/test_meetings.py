"""A strategy meeting in a real browser: arranged from the child's record, held with attendance and a
section 47 decision, minuted, shared with every invitee, and the compliance figure moves. Every page
is checked with axe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.core import clocks
from mace.meetings.models import Meeting, RotaSlot
from mace.people.models import Involvement

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from .test_journeys import sign_in
from .test_missing import _fill_when

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_strategy_meeting_is_held_minuted_and_shared_and_compliance_moves(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    partnership = PartnershipFactory()
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[partnership], name="Shire Police")
    team = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER], first_name="Daniel", last_name="Okafor")
    worker = UserFactory(team=team, roles=[Role.SOCIAL_WORKER], first_name="Hannah", last_name="Walsh")
    officer = UserFactory(
        team=TeamFactory(agency=police, partnership=partnership),
        roles=[Role.POLICE_OFFICER],
        first_name="Tom",
    )
    child = PersonFactory(partnership=partnership, given_names="Kayden", family_name="Moss")
    InvolvementFactory(person=child, team=team, worker=worker, kind=Involvement.Kind.ALLOCATED)
    when = timezone.now() - timedelta(hours=3)
    RotaSlot.objects.create(
        partnership=partnership, day=when.astimezone(clocks.LONDON).date(), officer=officer
    )

    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/people/{child.pk}/")
    page.get_by_role("link", name="Arrange a meeting about this child").click()
    assert_accessible(page)
    page.get_by_label("Strategy meeting").check()
    _fill_when(page, "at", when)
    page.get_by_label("What the meeting is for").fill("Found with older males at 2am; decide on section 47.")
    page.get_by_role("button", name="Arrange and invite").click()
    expect(page.get_by_role("heading", name="Strategy meeting")).to_be_visible()
    expect(page.get_by_text("Police (rota)")).to_be_visible()
    assert_accessible(page)

    _fill_when(page, "held", when)
    page.get_by_label("Hannah Walsh").check()
    page.get_by_label("Tom", exact=False).check()
    page.get_by_label("Yes").check()
    page.get_by_label("The decision, and why").fill("Threshold met: joint section 47 enquiry with police.")
    page.get_by_label("The child's words").fill("I don't want to get anyone in trouble.")
    page.get_by_role("button", name="Record as held").click()
    expect(page.get_by_role("heading", name="What was decided")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Minutes", exact=True).fill(
        "Present: Daniel, Hannah, Tom. Agreed a section 47 enquiry."
    )
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_text("Agreed a section 47 enquiry.").first).to_be_visible()
    page.goto(f"{live_server.url}/meetings/minutes/")
    expect(page.get_by_text("Nothing due", exact=True).first).to_be_visible()  # inside 10 days
    assert_accessible(page)

    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Strategy meeting").first.click()
    page.get_by_role("button", name="Share the minutes").click()
    expect(page.get_by_text("Shared", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/meetings/minutes/")
    expect(page.get_by_text("1 of 1 (100%)").first).to_be_visible()
    assert_accessible(page)
    assert Meeting.objects.get().minutes_shared_at is not None
