from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.models import Role
from mace.meetings.models import Meeting

from ..conftest import sign_in
from ..factories import UserFactory
from ..missing.test_pages import _when
from .conftest import NOW, schedule

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_meeting_is_arranged_from_the_childs_record(area: Any) -> None:
    client = _client(area.manager)
    body = {
        "person": [str(area.child.pk)],
        "kind": "strategy",
        "purpose": "Decide on section 47.",
        **_when("at", NOW + timedelta(days=1)),
    }
    response = client.post("/meetings/new/", body)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert list(meeting.children.all()) == [area.child]


def test_the_meeting_is_held_minuted_and_shared_and_the_compliance_figure_moves(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    client = _client(area.manager)
    invitations = list(meeting.invitations.all())
    client.post(
        f"/meetings/{meeting.pk}/held/",
        {
            "version": meeting.version,
            "decision": "Section 47 enquiry.",
            "section_47": "yes",
            "attended": [str(i.pk) for i in invitations],
            **_when("held", meeting.scheduled_at),
        },
    )
    meeting.refresh_from_db()
    assert meeting.is_held
    client.post(f"/meetings/{meeting.pk}/minutes/", {"version": meeting.version, "minutes": "Agreed: s47."})
    before = client.get("/meetings/minutes/").content.decode()
    assert "0 of 0" not in before
    client.post(f"/meetings/{meeting.pk}/share/", {"recipients": [str(i.user_id) for i in invitations]})
    meeting.refresh_from_db()
    assert meeting.minutes_shared_at is not None
    assert "1 of 1 (100%)" in client.get("/meetings/minutes/").content.decode()


def test_a_stale_hold_form_shows_the_conflict_page(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    client = _client(area.manager)
    stale = meeting.version
    Meeting.objects.filter(pk=meeting.pk).update(version=stale + 1)
    response = client.post(
        f"/meetings/{meeting.pk}/held/",
        {
            "version": stale,
            "decision": "x",
            "section_47": "no",
            **_when("held", meeting.scheduled_at),
        },
    )
    assert response.status_code == 409


def test_sharing_minutes_with_someone_not_invited_is_refused(area: Any) -> None:
    from ..factories import UserFactory

    meeting = schedule(area, at=NOW - timedelta(days=2))
    client = _client(area.manager)
    client.post(
        f"/meetings/{meeting.pk}/held/",
        {
            "version": meeting.version,
            "decision": "No s47.",
            "section_47": "no",
            **_when("held", meeting.scheduled_at),
        },
    )
    meeting.refresh_from_db()
    client.post(f"/meetings/{meeting.pk}/minutes/", {"version": meeting.version, "minutes": "Minutes"})
    outsider = UserFactory()
    client.post(f"/meetings/{meeting.pk}/share/", {"recipients": [str(outsider.pk)]})
    assert not meeting.invitations.filter(minutes_shared_at__isnull=False).exists()


def test_an_early_help_practitioner_is_told_they_cannot_arrange_the_48_hour_meeting(area: Any) -> None:
    from mace.accounts.models import Role
    from mace.missing import services as missing_services
    from mace.missing.models import StrategyRequirement

    from ..factories import UserFactory
    from ..missing.conftest import report

    episode = report(area, seen=NOW - timedelta(days=3))
    missing_services.require_strategy_meetings(NOW)
    requirement = StrategyRequirement.objects.get(episode=episode)
    early_help = UserFactory(team=area.social_work, agency=area.council, roles=[Role.EARLY_HELP_PRACTITIONER])
    response = _client(early_help).post(
        "/meetings/new/",
        {
            "requirement": str(requirement.pk),
            "kind": "strategy",
            "purpose": "Missing 48 hours.",
            **_when("at", NOW + timedelta(days=1)),
        },
    )
    assert response.status_code == 400
    assert "cannot record strategy meetings" in response.content.decode()
    assert not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_meetings_list_pages_each_list_and_keeps_the_other_lists_page(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 2)
    soon, _later, latest = (schedule(area, at=NOW + timedelta(days=d)) for d in (1, 2, 3))
    client = _client(area.manager)
    first = client.get("/meetings/").content.decode()
    second = client.get("/meetings/?minutes=1&coming=2").content.decode()
    assert f"/meetings/{soon.pk}/" in first and f"/meetings/{latest.pk}/" not in first
    assert "Showing 1 to 2 of 3" in first and 'href="?coming=2"' in first
    assert f"/meetings/{latest.pk}/" in second and f"/meetings/{soon.pk}/" not in second
    assert 'href="?minutes=1&amp;coming=1"' in second


@time_machine.travel(NOW, tick=False)
def test_minutes_still_to_share_say_the_time_left_once(area: Any) -> None:
    meeting = schedule(area, at=NOW - timedelta(days=2))
    _client(area.manager).post(
        f"/meetings/{meeting.pk}/held/",
        {
            "version": meeting.version,
            "decision": "No s47.",
            "section_47": "no",
            **_when("held", meeting.scheduled_at),
        },
    )
    html = _client(area.manager).get("/meetings/").content.decode()
    assert "8 days left" in html and "left left" not in html


def _late_meeting(area: Any) -> Meeting:
    """A meeting held 30 days ago whose minutes were never shared."""
    from .test_meetings import held

    return held(area, schedule(area, at=NOW - timedelta(days=30)))


def test_minutes_compliance_lists_a_meeting_the_reader_is_not_part_of_without_a_link(area: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        meeting = _late_meeting(area)
        executive = UserFactory(team=area.front_door, agency=area.council, roles=[Role.EXECUTIVE])
        page = _client(executive).get("/meetings/minutes/").content.decode()
    assert "Not shared with everyone" in page
    assert f'href="/meetings/{meeting.pk}/"' not in page


def test_minutes_compliance_links_the_meetings_the_reader_is_part_of(area: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        meeting = _late_meeting(area)
        page = _client(area.manager).get("/meetings/minutes/").content.decode()
    assert f'href="/meetings/{meeting.pk}/"' in page


def test_a_meeting_links_only_the_children_the_reader_can_open(area: Any) -> None:
    from ..factories import PersonFactory

    with time_machine.travel(NOW, tick=False):
        other = PersonFactory(partnership=area.partnership, given_names="Rowan", family_name="Ashdown")
        meeting = schedule(area, kind=Meeting.Kind.MACE, children=[area.child, other])
        page = _client(area.manager).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/people/{area.child.pk}/"' in page
    assert "Rowan Ashdown" in page and f'href="/people/{other.pk}/"' not in page


# Partner exports (issue #14, item 6) ---------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_minutes_compliance_downloads_the_pages_figures_and_late_meetings(area: Any) -> None:
    import io

    from openpyxl import load_workbook

    from mace.core.models import AccessLogEntry
    from mace.meetings import presenters, selectors

    with time_machine.travel(NOW, tick=False):
        meeting = _late_meeting(area)
        executive = UserFactory(team=area.front_door, agency=area.council, roles=[Role.EXECUTIVE])
        page = _client(executive).get("/meetings/minutes/").content.decode()
        assert 'href="/meetings/minutes/?format=csv"' in page and "Download as spreadsheet (xlsx)" in page
        until = NOW.date()
        since = (until.replace(day=1) - timedelta(days=335)).replace(day=1)
        c = selectors.minutes_compliance(executive, since=since, until=until)
        rows = _csv_rows(_client(executive).get("/meetings/minutes/?format=csv"))
        sheet = load_workbook(
            io.BytesIO(_client(executive).get("/meetings/minutes/?format=xlsx").content)
        ).active
        exact = _csv_rows(_client(area.manager).get("/meetings/minutes/?format=csv"))
    wanted = presenters.compliance_rows(c, suppress=True)
    assert rows[0] == presenters.COMPLIANCE_HEAD
    assert rows[1:] == [[str(v) for v in w] for w in wanted]
    assert rows[1] == ["Overall", "", "", "fewer than 5", "", "", ""]  # 0 of 1: withheld, as on the page
    held = NOW - timedelta(days=30)
    assert rows[-1] == [
        "Late or never shared",
        "Exploitation Team",
        held.strftime("%b %Y"),
        "",
        meeting.get_kind_display(),
        held.date().isoformat(),
        "Not shared with everyone",
    ]
    assert sheet is not None
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert last[5] == held.replace(hour=0, minute=0, tzinfo=None)  # held, a date
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT, actor=executive).latest("pk")
    assert (entry.object_type, entry.detail["rows"], entry.detail["format"]) == (
        "meeting",
        len(wanted),
        "xlsx",
    )
    assert exact[1][3] == "0 of 1 (0%)"  # a manager, who may see names, reads the exact figure


def test_a_role_without_minutes_compliance_gets_no_download(area: Any) -> None:
    from mace.core.models import AccessLogEntry

    assert _client(area.rhi_worker).get("/meetings/minutes/").status_code == 404
    assert _client(area.rhi_worker).get("/meetings/minutes/?format=csv").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert _client(area.manager).get("/meetings/minutes/?format=docx").status_code == 404
