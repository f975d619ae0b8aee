"""Pages whose controls are built in the template render as controls, not as escaped HTML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.core.audit import Actor
from mace.frontdoor import services as frontdoor
from mace.meetings import services as meetings

from .conftest import sign_in
from .markup import assert_no_escaped_tags, escaped_tags
from .meetings.conftest import schedule
from .missing.conftest import NOW, area

__all__ = ["area"]

pytestmark = pytest.mark.django_db


def _get(user: Any, path: str) -> str:
    response = sign_in(Client(), user).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_escaped_tag_check_finds_markup_shown_as_text() -> None:
    assert escaped_tags('<td>&lt;form method="post"&gt;</td>')
    assert not escaped_tags('<td><form method="post"></form> 3 &lt; 4</td>')


@time_machine.travel(NOW, tick=False)
def test_the_police_rota_change_cells_are_working_forms(area: Any) -> None:
    html = _get(area.officer, "/meetings/rota/")
    assert_no_escaped_tags(html, "rota")
    assert '<select class="govuk-select" id="officer-1" name="officer">' in html
    assert 'name="csrfmiddlewaretoken"' in html


@time_machine.travel(NOW, tick=False)
def test_a_meeting_action_is_marked_done_with_a_button(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=1))
    meeting = meetings.meeting_hold(
        meeting=meeting,
        data=meetings.HeldIn(held_at=meeting.scheduled_at, attendance={}, decision="s47", section_47=True),
        by=area.manager,
        version=meeting.version,
    )
    action = meetings.action_add(
        meeting=meeting,
        description="Share <b>the</b> chronology",
        owner=area.social_worker,
        due_on=(NOW + timedelta(days=3)).date(),
        by=area.manager,
    )
    html = _get(area.manager, f"/meetings/{meeting.pk}/")
    assert_no_escaped_tags(html, "meeting")
    assert f'<form method="post" action="/meetings/actions/{action.pk}/complete/">' in html
    hidden = "Share &lt;b&gt;the&lt;/b&gt; chronology"  # the action's text stays escaped inside the button
    assert f'Mark done<span class="govuk-visually-hidden">: {hidden}</span>' in html


@time_machine.travel(NOW, tick=False)
def test_a_contacts_threshold_box_shows_the_level_in_bold(area: Any) -> None:
    contact = frontdoor.contact_receive(
        data=frontdoor.ContactIn(
            kind="public",
            received_at=NOW - timedelta(hours=1),
            summary="Seen getting into cars with older men.",
            subject={"given_names": "Amy", "family_name": "Zed"},
            concerns=["county_lines"],
        ),
        partnership=area.partnership,
        route="public",
        by=Actor.system("public-form"),
    )[0]
    html = _get(area.worker, f"/front-door/contacts/{contact.pk}/")
    assert_no_escaped_tags(html, "contact")
    assert "<strong>The evidence meets " in html
