"""The child's record opens with what is overdue and due next, from every module that sets a deadline."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.core import clocks
from mace.frontdoor.models import Contact, Task
from mace.missing import services
from mace.people.models import Involvement

from ..conftest import sign_in
from ..factories import InvolvementFactory, PersonFactory
from ..versions import saved_version
from .conftest import NOW, report, return_in

pytestmark = pytest.mark.django_db


def _overdue_assessment(area: Any) -> Task:
    contact = Contact.objects.create(
        partnership=area.partnership,
        kind=Contact.Kind.VPA,
        summary="Concern from police.",
        route="web",
        received_at=NOW - timedelta(days=50),
        review_due_at=NOW - timedelta(days=49),
        decision_due_at=NOW - timedelta(days=49),
        subject={"given_names": area.child.given_names},
        person=area.child,
        match_status="matched",
    )
    return Task.objects.create(
        contact=contact,
        person=area.child,
        kind=Task.Kind.ASSESSMENT,
        team=area.social_work,
        created_at=NOW - timedelta(days=48),
        due_at=NOW - timedelta(days=3),
    )


def _record_html(area: Any, child: Any = None) -> str:
    child = child or area.child
    response = sign_in(Client(), area.social_worker).get(f"/people/{child.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _due_section(html: str) -> str:
    start = html.index('id="due"')
    return html[start : html.index('<h2 class="govuk-heading-m">Details</h2>', start)]


def test_an_overdue_assessment_and_an_interview_due_open_the_record_in_due_order(area: Any) -> None:
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        episode = report(area)
        services.episode_return(
            episode=episode,
            data=return_in(NOW - timedelta(hours=2)),
            by=area.officer,
            version=saved_version(episode),
        )
    _overdue_assessment(area)
    with time_machine.travel(NOW, tick=False):
        html = _record_html(area)
    due = _due_section(html)
    text = re.sub(r"<[^>]+>", " ", due)
    assessment = text.index("Child and family assessment")
    interview = text.index("Offer the return home interview")
    assert assessment < interview
    assert "Overdue by 3 days" in text
    left = clocks.format_time_left(clocks.time_left(NOW + timedelta(hours=70), NOW))
    assert left.capitalize() in text
    # The list comes before everything else on the record.
    assert html.index('id="due"') < html.index("People involved")


def test_a_child_with_nothing_due_is_told_so_instead_of_no_flags(area: Any) -> None:
    child = PersonFactory(partnership=area.partnership)
    InvolvementFactory(person=child, team=area.social_work, kind=Involvement.Kind.INVOLVED)
    with time_machine.travel(NOW, tick=False):
        html = _record_html(area, child)
    assert "Nothing is overdue or due for" in html
    assert "No flags" not in html.split('id="due"')[0]


def test_an_allocated_child_is_due_to_be_heard_within_the_voice_standard(area: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        html = _record_html(area)
    text = re.sub(r"<[^>]+>", " ", _due_section(html))
    assert "Hear the child in their own words" in text
    assert "Not heard in their own words yet" in text
