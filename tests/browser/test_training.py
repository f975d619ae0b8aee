"""The trainer's journey in a real browser, axe-checked: compliance by team, attendance recorded for a
session, a follow-up dated before the session refused, and the three-month follow-up recorded."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.core.audit import Actor
from mace.improvement.training import services
from mace.improvement.training.models import (
    Level,
    TrainingBooking,
    TrainingCourse,
    TrainingFollowUp,
    TrainingRequirement,
)

from ..factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory
from ..improvement.training.conftest import NOW
from .test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SYSTEM = Actor.system("test")


@pytest.fixture
def session(transactional_db: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        partnership = PartnershipFactory()
        trust = AgencyFactory(
            name="East Shire NHS Trust", kind=Agency.Kind.HEALTH, partnerships=[partnership]
        )
        ed = TeamFactory(agency=trust, partnership=partnership, name="Emergency Department (Macclesfield)")
        services.requirement_set(team=ed, level=Level.SPECIALIST, by=SYSTEM)
        course = services.course_create(
            partnership=partnership,
            code="l3",
            title="Level 3: exploitation in the ED",
            level=Level.SPECIALIST,
            multi_agency=False,
            agency=trust,
            by=SYSTEM,
        )
        found = services.session_schedule(
            course=course, on=date(2022, 11, 29), venue="Education centre", by=SYSTEM
        )
        for name in ("Amira Khan", "Ben Lewis", "Chloe Nowak"):
            p = services.practitioner_add(
                partnership=partnership, team=ed, name=name, manager_name="Sister Ward", by=SYSTEM
            )
            services.booking_add(session=found, practitioner=p, by=SYSTEM)
        yield found


def test_a_trainer_records_attendance_and_a_three_month_follow_up(
    page: Any, live_server: Any, assert_accessible: Any, session: Any
) -> None:
    partnership = session.course.partnership
    trainer = UserFactory(
        roles=[Role.BUSINESS_MANAGER], team__partnership=partnership, team__agency__partnerships=[partnership]
    )
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, trainer)
        page.get_by_role("link", name="Training").first.click()
        expect(page.get_by_role("heading", name="Training on exploitation")).to_be_visible()
        expect(page.get_by_text("0 of 3 (0%)").first).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="29 November 2022").click()
        expect(page.get_by_role("heading", name="Session on 29 November 2022")).to_be_visible()
        assert_accessible(page)
        for name, status in (
            ("Amira Khan", "Attended"),
            ("Ben Lewis", "Attended"),
            ("Chloe Nowak", "Did not attend"),
        ):
            page.get_by_role("group", name=name).get_by_label(status, exact=True).check()
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance saved")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Back to training").click()
        expect(page.get_by_text("2 of 3 (67%)").first).to_be_visible()
        page.get_by_role("link", name="Emergency Department (Macclesfield)").click()
        expect(page.get_by_role("cell", name="Chloe Nowak")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Back to training").click()
        page.get_by_role("link", name="Amira Khan").click()  # her follow-up is due (29 February 2023)
        expect(page.get_by_role("heading", name="Follow-up after three months")).to_be_visible()
        page.get_by_label("Day").fill("1")
        page.get_by_label("Month").fill("11")
        page.get_by_label("Year").fill("2022")
        page.get_by_label("What does the attendee say has changed").fill("I complete the screening tool.")
        page.get_by_label("What has the manager seen change").fill("Screenings on every shift I checked.")
        page.get_by_role("radio", name="Yes, practice changed").check()
        page.get_by_role("button", name="Save the follow-up").click()
        expect(
            page.get_by_role("link", name="The follow-up is dated before the session").first
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Month").fill("3")
        page.get_by_label("Year").fill("2023")
        page.get_by_role("button", name="Save the follow-up").click()
        expect(page.get_by_text("Follow-up saved")).to_be_visible()
        expect(page.get_by_text("Screenings on every shift I checked.")).to_be_visible()
        assert_accessible(page)
    assert sorted(TrainingBooking.objects.values_list("status", flat=True)) == [
        "absent",
        "attended",
        "attended",
    ]
    follow_up = TrainingFollowUp.objects.get()
    assert (follow_up.on, follow_up.manager_name, follow_up.changed) == (
        date(2023, 3, 1),
        "Sister Ward",
        "yes",
    )


def test_a_trainer_sets_up_a_course_a_teams_level_and_its_register_and_compliance_moves(
    page: Any, live_server: Any, assert_accessible: Any, transactional_db: Any
) -> None:
    """Everything through the pages: a team's required level, a practitioner on its register, a new
    course refused without its agency and then added, a session today, the booking and the attendance;
    the team goes from 0 of 1 to 1 of 1 trained."""
    with time_machine.travel(NOW, tick=False):
        partnership = PartnershipFactory()
        trust = AgencyFactory(
            name="East Shire NHS Trust", kind=Agency.Kind.HEALTH, partnerships=[partnership]
        )
        ward = TeamFactory(agency=trust, partnership=partnership, name="Paediatric ward")
        trainer = UserFactory(
            roles=[Role.BUSINESS_MANAGER], team__partnership=partnership, team__agency=trust
        )
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, trainer)
        page.get_by_role("link", name="Training").first.click()
        page.get_by_role("link", name="Teams and the training register").click()
        expect(page.get_by_role("heading", name="Teams and the training register")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Paediatric ward").click()
        assert_accessible(page)
        page.get_by_role("link", name="Set the required level").click()
        assert_accessible(page)
        page.get_by_label("Level 2: targeted").check()
        page.get_by_label("Why (optional)").fill("Admits children found exploited")
        page.get_by_role("button", name="Save the required level").click()
        expect(page.get_by_text("must now be trained to level 2")).to_be_visible()
        page.get_by_role("link", name="The team's training register").click()
        page.get_by_label("Name", exact=True).fill("Dara Flynn")
        page.get_by_label("Job title (optional)").fill("Staff nurse")
        page.get_by_label("Manager (optional)").fill("Sister Ward")
        page.get_by_role("button", name="Add to the register").click()
        expect(page.get_by_text("Dara Flynn added to the training register")).to_be_visible()
        assert_accessible(page)

        page.goto(f"{live_server.url}/improvement/training/")
        page.get_by_role("button", name="Add a course").click()
        assert_accessible(page)
        page.get_by_label("Title", exact=True).fill("Targeted: exploitation on the ward")
        page.get_by_label("Level 2: targeted").check()
        page.get_by_label("Single agency").check()
        page.get_by_role("button", name="Add the course").click()
        expect(page.get_by_role("link", name="A single-agency course names the agency")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Agency that runs it").select_option(label="East Shire NHS Trust")
        page.get_by_role("button", name="Add the course").click()
        expect(page.get_by_role("heading", name="Targeted: exploitation on the ward")).to_be_visible()
        assert_accessible(page)
        group = page.get_by_role("group", name="Date of the session")
        group.get_by_label("Day").fill(str(NOW.day))
        group.get_by_label("Month").fill(str(NOW.month))
        group.get_by_label("Year").fill(str(NOW.year))
        page.get_by_label("Venue (or online)").fill("Ward seminar room")
        page.get_by_role("button", name="Schedule the session").click()
        expect(page.get_by_text("Session on 3 March 2023 scheduled")).to_be_visible()
        page.get_by_label("Practitioner from the training register").select_option(
            label="Dara Flynn, Paediatric ward"
        )
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_text("Dara Flynn booked")).to_be_visible()
        page.get_by_role("group", name="Dara Flynn").get_by_label("Attended", exact=True).check()
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance saved")).to_be_visible()
        page.get_by_role("link", name="Back to training").click()
        page.get_by_role("link", name="Paediatric ward").first.click()
        expect(page.get_by_text("1 of 1 (100%)").first).to_be_visible()
        assert_accessible(page)
    course = TrainingCourse.objects.get()
    assert (course.level, course.agency, course.multi_agency) == (2, trust, False)
    assert TrainingBooking.objects.get().status == "attended"
    assert TrainingRequirement.objects.get(team=ward).level == 2
