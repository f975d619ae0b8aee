"""The plan journey in a real browser: a social worker starts a child's plan, tries to agree it without a
contingency and is refused with the reason, agrees it with one, then changes it; a teacher involved with
the child sees the new version waiting, opens it and sees what changed. Every page is checked with axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.people.models import Involvement
from mace.plans.models import Plan
from tests.versions import saved_version

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


def test_a_social_worker_agrees_a_plan_with_a_contingency_and_a_teacher_sees_what_changed(
    page: Any, live_server: Any, assert_accessible: Any, browser: Any
) -> None:
    partnership = PartnershipFactory()
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    school = AgencyFactory(kind=Agency.Kind.EDUCATION, partnerships=[partnership], name="Halbury Academy")
    social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    inclusion = TeamFactory(agency=school, partnership=partnership, name="Inclusion")
    worker = UserFactory(team=social_work, roles=[Role.SOCIAL_WORKER], first_name="Ada", last_name="Lowe")
    colleague = UserFactory(team=social_work, roles=[Role.TEAM_MANAGER], first_name="Bea", last_name="Kaur")
    teacher = UserFactory(team=inclusion, roles=[Role.EDUCATION_OFFICER], first_name="Tom", last_name="Reed")
    child = PersonFactory(partnership=partnership, given_names="Kayden", family_name="Moss")
    InvolvementFactory(person=child, team=social_work, worker=worker, kind=Involvement.Kind.ALLOCATED)
    InvolvementFactory(person=child, team=inclusion, worker=teacher, kind=Involvement.Kind.INVOLVED)

    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("heading", name="Plan", exact=True)).to_be_visible()
    page.get_by_role("link", name="Start the plan").click()
    assert_accessible(page)
    page.get_by_label("Child in need").check()
    page.get_by_label("Needs and risks").fill("Going missing with older males; not in school.")
    page.get_by_label("What will change").fill("Back in school ten sessions a week.")
    page.get_by_label("The child's views, in their own words").fill("School is boring but boxing is good.")
    page.locator("#id_action_text_1").fill("Weekly direct work on exploitation")
    page.locator("#id_action_owner_1").fill("Ada Lowe")
    page.locator("#id_action_due_1").fill("2026-12-15")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="cannot be agreed without a contingency plan")).to_be_visible()
    assert_accessible(page)
    assert not Plan.objects.exists()

    page.get_by_label("Contingency plan").fill("If missing again: strategy meeting within 24 hours.")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("Version 1 of the plan agreed")).to_be_visible()
    expect(page.get_by_text("Has not seen the plan")).to_be_visible()
    assert_accessible(page)

    # A colleague opens the same version; the worker saves first, so the colleague's save is a conflict.
    colleague_page = browser.new_page()
    sign_in(colleague_page, live_server, colleague)
    colleague_page.goto(f"{live_server.url}/plans/children/{child.pk}/edit/")
    colleague_page.get_by_label("Why is the plan changing?").fill("Family's views added")
    colleague_page.get_by_label("The family's views").fill("Mum wants him moved away from the area.")

    page.get_by_role("link", name="Change the plan").click()
    page.get_by_label("Child protection").check()
    page.get_by_label("Why is the plan changing?").fill("Strategy meeting decided on a section 47 enquiry.")
    page.locator("#id_action_text_2").fill("Tuition five hours a week")
    page.locator("#id_action_agency_2").select_option("Halbury Academy")
    page.locator("#id_action_due_2").fill("2026-12-01")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("Version 2 of the plan agreed")).to_be_visible()
    assert Plan.objects.get().plan_type == "child_protection"
    colleague_page.get_by_role("button", name="Agree the plan").click()
    expect(colleague_page.get_by_role("heading", name="Someone else changed this plan")).to_be_visible()
    expect(colleague_page.get_by_text("Mum wants him moved away from the area.").first).to_be_visible()
    assert_accessible(colleague_page)
    assert Plan.objects.get().version == 2

    # A review must say whether the contingency was needed and used; an empty one lists every problem.
    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("link", name="Say whether the contingency plan was needed")).to_be_visible()
    assert_accessible(page)

    teacher_page = browser.new_page()
    sign_in(teacher_page, live_server, teacher)
    teacher_page.get_by_role("link", name="Plans", exact=True).click()
    expect(teacher_page.get_by_text("New version to read")).to_be_visible()
    assert_accessible(teacher_page)
    teacher_page.get_by_role("link", name="Kayden Moss").click()
    assert_accessible(teacher_page)
    teacher_page.get_by_role("link", name="What changed in version 2").click()
    expect(teacher_page.get_by_role("heading", name="What changed from version 1")).to_be_visible()
    expect(teacher_page.get_by_role("cell", name="Child protection").first).to_be_visible()
    expect(
        teacher_page.get_by_text("Tuition five hours a week (Halbury Academy, due 1 Dec 2026)")
    ).to_be_visible()
    assert_accessible(teacher_page)
    teacher_page.get_by_role("link", name="The plan now").click()
    teacher_page.get_by_role("button", name="I have read version 2").click()
    expect(teacher_page.get_by_text("You have confirmed you have read version 2")).to_be_visible()
    assert_accessible(teacher_page)


def test_a_review_is_recorded_from_the_review_meeting_it_came_from(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from mace.meetings import services as meetings
    from mace.plans import services as plans

    partnership = PartnershipFactory()
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    worker = UserFactory(team=social_work, roles=[Role.SOCIAL_WORKER], first_name="Ada", last_name="Lowe")
    manager = UserFactory(team=social_work, roles=[Role.TEAM_MANAGER])
    child = PersonFactory(partnership=partnership, given_names="Kayden", family_name="Moss")
    InvolvementFactory(person=child, team=social_work, worker=worker, kind=Involvement.Kind.ALLOCATED)
    plan_in = plans.PlanIn(
        plan_type="child_in_need",
        reason="",
        agree=True,
        needs_and_risks="Going missing.",
        outcomes="No missing episodes.",
        contingency="A strategy meeting within 24 hours.",
        actions=[
            plans.ActionIn(
                text="Direct work", owner="Ada Lowe", due=timezone.localdate() + timedelta(days=30)
            )
        ],
    )
    plans.plan_save(person=child, data=plan_in, by=worker, version=0, at=timezone.now() - timedelta(days=40))
    meeting = meetings.meeting_schedule(
        data=meetings.MeetingIn(
            kind="plan_review",
            scheduled_at=timezone.now() - timedelta(days=1),
            purpose="Review",
            children=[child],
        ),
        partnership=partnership,
        team=social_work,
        by=manager,
    )
    attendance = {i.pk: True for i in meeting.invitations.all()}
    meetings.meeting_hold(
        meeting=meeting,
        data=meetings.HeldIn(held_at=meeting.scheduled_at, attendance=attendance, decision="Continue."),
        by=manager,
        version=saved_version(meeting),
    )

    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record the plan review for Kayden Moss").click()
    expect(page.get_by_text("Which review meeting was this?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Progress against the plan").fill("Attending school four days a week.")
    page.locator("#id_contingency_needed-2").check()  # No
    page.locator("#id_contingency_used-2").check()  # No
    page.locator("#id_child_safer").check()  # Yes
    page.get_by_label("Continue the plan").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Review recorded")).to_be_visible()
    assert_accessible(page)
    assert Plan.objects.get(person=child).reviews.get().meeting_id == meeting.pk
