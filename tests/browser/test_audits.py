"""Audits and rapid reviews in a real browser, every page checked with axe: the trust's safeguarding lead
draws a dip sample of ED records, answers each record, and the percentage moves as the answers go in (the
health module's ED audit journey, folded into the audit programme); the business manager records a rapid
review and sees its 15-working-day clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mace.health import services as health_services
from mace.improvement.audits.models import Audit

from ..factories import AgencyFactory, TeamFactory, UserFactory
from ..screening.conftest import ed_area
from .test_journeys import sign_in

# A Wednesday afternoon with no bank holiday near: every date the journeys type and check follows from it.
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_now() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["ed_area"]


def _discharged(area: Any, name: str) -> Any:
    arrived = NOW - timedelta(hours=6)
    attendance, _ = health_services.attendance_record(
        data=health_services.AttendanceIn(
            arrived_at=arrived,
            presenting_complaint="Alcohol intoxication, found in the town centre",
            subject={"given_names": name, "family_name": "Unknown"},
            seen_alone=False,
            not_seen_alone_reason="Adult with the child refused to leave",
            cpis_checked=True,
            cpis_result="none",
            exploitation_question_asked=True,
            discharged_at=arrived + timedelta(hours=2),
            left_before_assessment=True,
        ),
        by=area.nurse,
    )
    return attendance


def _date(page: Any, legend: str, day: Any) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_auditor_completes_a_dip_sample_and_the_percentage_moves(
    page: Any, live_server: Any, assert_accessible: Any, ed_area: Any
) -> None:
    attended = [_discharged(ed_area, name) for name in ("Amber", "Jay")]
    day = timezone.localtime(attended[0].arrived_at).date()
    sign_in(page, live_server, ed_area.lead)
    page.get_by_role("link", name="Emergency department audits").click()
    assert_accessible(page)
    page.get_by_role("button", name="Draw a dip sample").click()
    assert_accessible(page)
    page.get_by_label("Emergency department safeguarding audit (version 1)").check()
    page.get_by_label("These dates").check()
    _date(page, "From (for these dates)", day)
    _date(page, "To (for these dates)", day)
    page.get_by_label("How many records").fill("2")
    page.get_by_label("Trust (ED audits only)").select_option(label=ed_area.trust.name)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("2 records drawn from 2 that matched")).to_be_visible()
    assert_accessible(page)
    audit = Audit.objects.get()
    results = page.locator("#result-sentences")
    expect(results).to_contain_text("There was clear planning for the child: none applicable")

    # The first record: the record's own answers are offered; the auditor judges the planning good.
    page.get_by_role("link", name="1. ED attendance on").click()
    assert_accessible(page)
    expect(
        page.get_by_role("group", name="CP-IS was checked").get_by_label("Yes", exact=True)
    ).to_be_checked()
    page.get_by_role("group", name="There was clear planning for the child").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("group", name="The discharge plan safeguarded the child").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Answers saved")).to_be_visible()
    expect(results).to_contain_text("There was clear planning for the child in 1 of 1 (100%)")

    # The second: no clear planning, and the percentage moves.
    page.get_by_role("link", name="2. ED attendance on").click()
    page.get_by_role("group", name="There was clear planning for the child").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("group", name="The discharge plan safeguarded the child").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Save answers").click()
    expect(results).to_contain_text("There was clear planning for the child in 1 of 2 (50%)")
    expect(results).to_contain_text("The discharge plan safeguarded the child in 0 of 2 (0%)")
    expect(page.get_by_text("Complete on")).to_be_visible()
    assert_accessible(page)
    audit.refresh_from_db()
    assert audit.completed_at is not None


def test_the_business_manager_records_a_rapid_review_and_sees_its_clock(
    page: Any, live_server: Any, assert_accessible: Any, ed_area: Any
) -> None:
    board = AgencyFactory(kind="partnership", partnerships=[ed_area.partnership])
    manager = UserFactory(
        team=TeamFactory(agency=board, partnership=ed_area.partnership), roles=["business_manager"]
    )
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/improvement/reviews/")
    assert_accessible(page)
    page.get_by_role("button", name="Add a review").click()
    assert_accessible(page)
    page.get_by_label("Rapid review", exact=True).check()
    page.get_by_label("Reference").fill("RR 2026/09")
    _date(page, "Date the partnership was notified", timezone.localtime(NOW).date())
    page.get_by_label("Exploitation", exact=True).check()
    page.get_by_role("button", name="Add the review").click()
    expect(page.get_by_text("Review RR 2026/09 added")).to_be_visible()
    expect(page.get_by_text("15 working days left")).to_be_visible()
    page.get_by_label("Recommendation", exact=True).fill(
        "Share ED attendances with the front door the same day"
    )
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.get_by_role("heading", name="Recommendation 1")).to_be_visible()
    assert_accessible(page)


def test_the_business_manager_adds_and_agrees_the_programme_and_the_lead_reassigns_a_record(
    page: Any, live_server: Any, assert_accessible: Any, ed_area: Any
) -> None:
    from mace.core.audit import Actor
    from mace.improvement.audits import services as audit_services
    from mace.improvement.audits.models import AuditAssignment, AuditProgramme

    board = AgencyFactory(kind="partnership", partnerships=[ed_area.partnership])
    manager = UserFactory(
        team=TeamFactory(agency=board, partnership=ed_area.partnership), roles=["business_manager"]
    )
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/improvement/audits/")
    page.get_by_role("button", name="Add the year's audit programme").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Add the programme").click()
    expect(page.get_by_role("link", name="Enter the programme's title")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Multi-agency audit programme 2026 to 2027")
    page.get_by_role("button", name="Add the programme").click()
    expect(page.get_by_text("Not yet agreed")).to_be_visible()
    assert_accessible(page)
    _date(page, "Agreed on", timezone.localtime(NOW).date() - timedelta(days=7))
    page.get_by_label("Agreed by").fill("LSCP Executive")
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.get_by_text("Agreement recorded")).to_be_visible()
    page.get_by_role("link", name="Edit the title and what it covers").click()
    page.get_by_label("What the programme covers").fill("ED and front door audits each quarter")
    page.get_by_role("button", name="Save the programme").click()
    expect(page.get_by_text("ED and front door audits each quarter")).to_be_visible()
    assert_accessible(page)
    programme = AuditProgramme.objects.get()
    assert (programme.agreed_by, programme.version) == ("LSCP Executive", 3)

    attendance = _discharged(ed_area, "Amber")
    day = timezone.localtime(attendance.arrived_at).date()
    audit = audit_services.audit_draw(
        partnership=ed_area.partnership,
        rule=audit_services.Rule(
            tool_code="ed", period_start=day, period_end=day, size=None, seed=1, trust=ed_area.trust
        ),
        by=Actor.system("test"),
    )
    audit_services.audit_assign(
        audited=audit, agency_kind="health", auditors=[ed_area.nurse], by=Actor.system("test")
    )
    page.context.clear_cookies()
    sign_in(page, live_server, ed_area.lead)
    page.goto(f"{live_server.url}/improvement/audits/{audit.pk}/")
    page.get_by_role("link", name="Reassign record 1").click()
    assert_accessible(page)
    page.get_by_label("Auditor for the Health part").select_option(
        label=f"{ed_area.lead.get_full_name()}, {ed_area.trust.name}"
    )
    page.get_by_role("button", name="Assign the Health part").click()
    expect(
        page.get_by_text(f"Health part of the record assigned to {ed_area.lead.get_full_name()}")
    ).to_be_visible()
    assert_accessible(page)
    assert AuditAssignment.objects.get().auditor == ed_area.lead
