"""The screening tool and the emergency department in a real browser: an ED clinician records an
attendance and screens the child (reaching the front door); the safeguarding nurse triages the
discharge review queue; a practitioner's judgement lower than the indicators is agreed by a manager.
Every page is checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.frontdoor.models import Contact
from mace.health import services as health_services
from mace.health.models import Attendance, DischargeReview
from mace.screening.models import Screening

from ..screening.conftest import ed_area
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["ed_area"]


def _yes_no(page: Any, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_an_ed_clinician_records_an_attendance_and_screens_the_child_for_the_front_door(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any, ed_area: Any
) -> None:
    sign_in(page, live_server, ed_area.nurse)
    page.get_by_role("link", name="Emergency department: children's attendances").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a child's attendance").click()
    assert_accessible(page)
    page.get_by_label("Given names").fill("Tyler")
    page.get_by_label("Family name").fill("Grant")
    page.get_by_label("Time of arrival").fill("00:01")
    page.get_by_label("Presenting complaint").fill("Stab wound to the thigh; says he was jumped.")
    page.get_by_label("Accompanied by (if anyone)").fill("An older male who left")
    _yes_no(page, "Was the child seen alone?", "Yes")
    _yes_no(page, "Was CP-IS checked?", "Yes")
    page.get_by_label("If CP-IS was checked, what it showed").select_option(label="No CP-IS record")
    _yes_no(page, "Was the child asked about exploitation?", "Yes")
    _yes_no(page, "Does the answer, or anything else, indicate a concern of exploitation?", "Yes")
    _yes_no(page, "Was a safeguarding referral made?", "No")
    page.get_by_label("What the child said, in their own words").fill("I owe them. They'll come for me.")
    page.get_by_role("button", name="Record the attendance").click()
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    expect(page.get_by_text("The answer indicates a concern of exploitation.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Complete the exploitation screening tool").click()
    assert_accessible(page)
    page.get_by_label("Carrying or linked to weapons (high harm)").check()
    page.get_by_label("Evidence: Carrying or linked to weapons").fill("Stab wound; fears a rival group.")
    page.get_by_label("Debt bondage or threats (high harm)").check()
    page.get_by_label("Evidence: Debt bondage or threats").fill(
        "Says he owes them and they will come for him."
    )
    page.get_by_label("Your analysis").fill(
        "Serious violence linked to a debt: criminal exploitation likely."
    )
    page.get_by_role("group", name="Your professional judgement of the risk of exploitation").get_by_label(
        "High"
    ).check()
    page.get_by_label("The reason for your judgement").fill("Weapon injury, debt and threats.")
    page.get_by_role("button", name="Complete the screening").click()
    expect(page.get_by_text("Screening complete and sent to the front door")).to_be_visible()
    assert_accessible(page)
    screening = Screening.objects.get()
    assert Attendance.objects.get().screening == screening

    # The front door sees it in its queue at once, with its 24-hour clock running.
    worker = browser.new_context().new_page()
    sign_in(worker, live_server, ed_area.front_door_worker)
    worker.get_by_role("link", name=re.compile(r"Front door queue: \d")).click()
    assert (
        worker.get_by_role("link", name=f"Contact {screening.contact_id}").count()
        or worker.get_by_text("Exploitation screening tool").first.is_visible()
    )
    contact = Contact.objects.get(pk=screening.contact_id)
    assert contact.kind == "screening" and contact.risk == 3
    assert_accessible(worker)


def _discharged(area: Any, name: str) -> Attendance:
    arrived = timezone.now() - timedelta(hours=6)
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


def test_the_safeguarding_nurse_triages_the_discharge_review_queue(
    page: Any, live_server: Any, assert_accessible: Any, ed_area: Any
) -> None:
    first = _discharged(ed_area, "Amber")
    _discharged(ed_area, "Jay")
    sign_in(page, live_server, ed_area.lead)
    page.get_by_role("link", name="Discharge review queue").click()
    expect(page.get_by_text("2 waiting for review")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Review Amber Unknown").click()
    assert_accessible(page)
    page.get_by_label("What you reviewed and why").fill("Left before assessment with an older adult.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Further safeguarding intervention").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Sent to the front door as an ED referral")).to_be_visible()
    expect(page.get_by_text("1 waiting for review")).to_be_visible()
    assert Contact.objects.get(kind="ed_referral").summary.count("Left before assessment") == 1
    assert first.pk not in [a.pk for a in Attendance.objects.filter(status="discharged")]

    page.get_by_role("link", name="Review Jay Unknown").click()
    page.get_by_label("Liaison, no further action").check()
    page.get_by_label("School nursing").check()
    page.get_by_label("What you reviewed and why").fill("Known to school nursing; routine sharing.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Every discharged child has been reviewed")).to_be_visible()
    assert_accessible(page)
    assert DischargeReview.objects.filter(outcome="liaison", shared_with="school_nurse").count() == 1


def test_a_manager_agrees_a_judgement_lower_than_the_indicators(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any, ed_area: Any
) -> None:
    # The school's officer screens a child they work with and judges the risk lower than the indicators.
    sign_in(page, live_server, ed_area.education)
    page.goto(f"{live_server.url}/people/{ed_area.child.pk}/")
    page.get_by_role("link", name="Complete an exploitation screening").click()
    page.get_by_label("Holding or dealing drugs, or carrying for others (high harm)").check()
    page.get_by_label("Evidence: Holding or dealing drugs").fill("Police found wraps in his bag.")
    page.get_by_label("Your analysis").fill("Possibly holding for an older brother.")
    page.get_by_role("group", name="Your professional judgement of the risk of exploitation").get_by_label(
        "Low"
    ).check()
    page.get_by_label("The reason for your judgement").fill("A one-off; family supportive.")
    page.get_by_role("button", name="Complete the screening").click()
    expect(page.get_by_text("A manager will need to agree your judgement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send for a manager's agreement").click()
    expect(page.get_by_text("Screening sent to a manager for agreement")).to_be_visible()
    assert_accessible(page)
    screening = Screening.objects.get()
    assert screening.status == "awaiting_agreement"

    manager = browser.new_context().new_page()
    sign_in(manager, live_server, ed_area.manager)
    manager.get_by_role("link", name="Screening judgements to agree").click()
    assert_accessible(manager)
    manager.get_by_role("link", name=re.compile(f"Screening {screening.pk}")).click()
    assert_accessible(manager)
    manager.get_by_label("Yes, I agree").check()
    manager.get_by_label("Your reasons").fill(
        "Discussed in supervision: a first incident with a plan in place."
    )
    manager.get_by_role("button", name="Record agreement").click()
    expect(manager.get_by_text("Judgement agreed: the screening is complete")).to_be_visible()
    assert_accessible(manager)
    screening.refresh_from_db()
    assert screening.status == "complete" and screening.agreed_by == ed_area.manager

    # The child's record shows the screening on the risk trajectory, as a chart and a table.
    page.goto(f"{live_server.url}/people/{ed_area.child.pk}/")
    expect(page.locator("svg.mace-trajectory")).to_be_visible()
    expect(page.get_by_role("table", name="Each screening: indicators and judgement")).to_be_visible()
    assert_accessible(page)
