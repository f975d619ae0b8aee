"""Health waits in a real browser, every page checked with axe and read at 320 px: a social worker
records a child's fast-tracked referral for an ADHD assessment from the child's record, is told why a
future date is refused, and later records the assessment, which stops the wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mace.accounts.models import Agency, Role
from mace.health.models import AssessmentWait
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

# A Wednesday afternoon with no bank holiday near: every date the journeys type and check follows from it.
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_now() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page: Any, legend: str, day: Any) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_social_worker_records_a_referral_and_its_assessment(
    page: Any, live_server: Any, assert_accessible: Any
) -> None:
    partnership = PartnershipFactory()
    council = AgencyFactory(
        kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership], name="Council"
    )
    team = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
    worker = UserFactory(team=team, roles=[Role.SOCIAL_WORKER])
    child = PersonFactory(partnership=partnership, given_names="Kai", family_name="Rivers")
    InvolvementFactory(person=child, team=team, worker=worker, kind=Involvement.Kind.ALLOCATED)
    today = timezone.localtime(NOW).date()

    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("heading", name="Autism and ADHD assessments")).to_be_visible()
    page.get_by_role("button", name="Record a referral").click()
    expect(
        page.get_by_role("heading", name="Record a referral for an autism or ADHD assessment")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("ADHD", exact=True).check()
    _fill_date(page, "When was the child referred?", today + timedelta(days=3))
    page.get_by_role("group", name="Was the referral fast-tracked?").get_by_label("Yes").check()
    page.get_by_label("Why it was fast-tracked (if it was)").fill("At high risk of criminal exploitation.")
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("The referral cannot be in the future").first).to_be_visible()
    assert_accessible(page)
    assert not AssessmentWait.objects.exists()

    _fill_date(page, "When was the child referred?", today - timedelta(days=70))
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("Waiting: 10 weeks so far.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the outcome of the ADHD referral").click()
    page.get_by_label("Assessed: diagnosis made").check()
    _fill_date(page, "When was the child assessed (or the referral closed)?", today - timedelta(days=7))
    assert_accessible(page)
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Assessed: diagnosis made").first).to_be_visible()
    expect(page.get_by_text("waited 9 weeks")).to_be_visible()
    assert_accessible(page)
    saved = AssessmentWait.objects.get()
    assert (saved.outcome, saved.fast_track, saved.assessed_on) == (
        "diagnosed",
        True,
        today - timedelta(days=7),
    )
