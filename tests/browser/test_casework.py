"""Casework journeys in a real browser, every page checked with axe: an education officer records a
week's timetable attendance and sees the week against target; a team manager records case
supervision, including the answer to "is the child safer because of the plan?"."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.casework import figures, services
from mace.casework.models import SessionAttendance, Supervision
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _area() -> Any:
    partnership = PartnershipFactory()
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    education = AgencyFactory(kind=Agency.Kind.EDUCATION, partnerships=[partnership], name="Education")
    social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    inclusion = TeamFactory(agency=education, partnership=partnership, name="Inclusion")
    worker = UserFactory(team=social_work, roles=[Role.SOCIAL_WORKER])
    manager = UserFactory(team=social_work, roles=[Role.TEAM_MANAGER])
    officer = UserFactory(team=inclusion, roles=[Role.EDUCATION_OFFICER])
    child = PersonFactory(partnership=partnership, given_names="Kai", family_name="Rivers")
    InvolvementFactory(
        person=child,
        team=social_work,
        worker=worker,
        kind=Involvement.Kind.ALLOCATED,
        started_at=timezone.now() - timedelta(days=100),
    )
    InvolvementFactory(person=child, team=inclusion, kind=Involvement.Kind.INVOLVED)
    return child, officer, manager


def test_an_education_officer_records_a_weeks_timetable_attendance(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    child, officer, _ = _area()
    last_week = figures.monday(timezone.localdate()) - timedelta(weeks=1)
    for weekday, kind in ((0, "tuition"), (1, "education")):
        services.session_add(
            person=child,
            data=services.SessionIn(
                weekday,
                time(9, 30),
                time(11, 30),
                kind,
                "Home Tuition Service",
                last_week - timedelta(weeks=4),
            ),
            by=officer,
        )

    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/casework/children/{child.pk}/timetable/")
    expect(page.get_by_role("heading", name="Activity timetable")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Record attendance for the week of {last_week:%-d %B %Y}").click()
    expect(
        page.get_by_role("heading", name=f"Attendance for the week of {last_week:%-d %B %Y}")
    ).to_be_visible()
    assert_accessible(page)

    # Missed without a reason: refused, with the problem named.
    page.get_by_role("group", name="Monday").get_by_label("Attended", exact=True).check()
    page.get_by_role("group", name="Tuesday").get_by_label("Did not attend").check()
    page.get_by_role("button", name="Save the week's attendance").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason, if the child did not attend on Tuesday").fill("Refused to go")
    page.get_by_role("button", name="Save the week's attendance").click()

    expect(page.get_by_text("Attendance recorded: 1 of 2 sessions, 2 hours tuition.")).to_be_visible()
    expect(page.get_by_text("Below target").first).to_be_visible()
    assert_accessible(page)
    assert SessionAttendance.objects.filter(week_starting=last_week).count() == 2


def test_a_manager_records_case_supervision(page: Any, live_server: Any, assert_accessible: Any) -> None:
    _, _, manager = _area()
    today = timezone.localdate()

    sign_in(page, live_server, manager)
    page.get_by_role("link", name="Case supervision: 1 child overdue").click()
    expect(page.get_by_text("0 of 1 (0%)").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record supervision for Kai Rivers").click()
    assert_accessible(page)

    page.get_by_role("button", name="Record supervision").click()  # empty: every problem at once
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    when = page.get_by_role("group", name="When did supervision take place?")
    when.get_by_label("Day").fill(str(today.day))
    when.get_by_label("Month").fill(str(today.month))
    when.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Who attended?").fill("Social worker and team manager")
    page.get_by_label("Reflection").fill("Reviewed the visits and the missing episodes since the plan began.")
    page.get_by_label("Partly: some risks reduced, others not").check()
    page.get_by_label("Your analysis: why, and what shows it").fill(
        "No missing episodes for six weeks and attending tuition, but still seen with older associates."
    )
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("What will be done").fill("Strategy meeting about the older associates")
    action.get_by_label("Owner").fill("Social worker")
    action.get_by_label("Day").fill(str(today.day))
    action.get_by_label("Month").fill(str(today.month))
    action.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record supervision").click()

    expect(page.get_by_text("Supervision recorded.")).to_be_visible()
    expect(page.get_by_text("Strategy meeting about the older associates (Social worker")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/casework/supervision/")
    expect(page.get_by_text("1 of 1 (100%)").first).to_be_visible()
    assert Supervision.objects.get().safer == "partly"


def test_an_education_officer_ends_a_session_that_has_stopped(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    child, officer, _ = _area()
    start = figures.monday(timezone.localdate()) - timedelta(weeks=6)
    services.session_add(
        person=child,
        data=services.SessionIn(2, time(13), time(15), "sport", "Halbury Boxing Club", start),
        by=officer,
    )
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/casework/children/{child.pk}/timetable/")
    page.get_by_role("link", name="End sport on Wednesdays").click()
    expect(page.get_by_role("heading", name="End a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="End the session").click()  # no date: the problem is named
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    last = start + timedelta(weeks=2, days=2)
    page.locator("#id_last_day").fill(str(last.day))
    page.locator("#id_last_month").fill(str(last.month))
    page.locator("#id_last_year").fill(str(last.year))
    page.get_by_role("button", name="End the session").click()
    expect(page.get_by_text("Session ended")).to_be_visible()
    assert_accessible(page)
