from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.core import clocks
from mace.missing import services
from mace.missing.models import MissingEpisode, ReturnInterview, StrategyRequirement
from tests.versions import saved_version

from ..conftest import sign_in
from .conftest import NOW, report, return_in

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _when(prefix: str, at: Any) -> dict[str, str]:
    local = at.astimezone(clocks.LONDON)
    return {
        f"{prefix}_day": str(local.day),
        f"{prefix}_month": str(local.month),
        f"{prefix}_year": str(local.year),
        f"{prefix}_time": local.strftime("%H:%M"),
    }


def test_police_report_a_child_missing_from_the_web(area: Any) -> None:
    client = _client(area.officer)
    body = {
        "given_names": "Tia",
        "family_name": "Okonjo-Smythe",
        "police_ref": "MFH-WEB-1",
        "category": "missing",
        "setting": "home",
        "risk": "3",
        "last_seen_place": "Halbury Park",
        "circumstances": "Left with older males in a car.",
        **_when("seen", NOW - timedelta(hours=2)),
    }
    response = client.post("/missing/report/", body)
    episode = MissingEpisode.objects.get(police_ref="MFH-WEB-1")
    assert response.status_code == 302
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    assert episode.risk == 3


def test_a_report_without_the_last_seen_time_names_the_problem(area: Any) -> None:
    response = _client(area.officer).post(
        "/missing/report/",
        {
            "family_name": "Smythe",
            "police_ref": "X",
            "category": "missing",
            "setting": "home",
            "risk": "1",
            "last_seen_place": "Park",
            "circumstances": "Gone",
        },
    )
    assert response.status_code == 400
    assert "Enter the date and time" in response.content.decode()
    assert not MissingEpisode.objects.exists()


def test_the_morning_list_page_shows_the_child_and_their_worker(area: Any) -> None:
    report(area)
    html = _client(area.worker).get("/missing/").content.decode()
    assert area.child.display_name in html
    assert area.social_worker.get_full_name() in html


def test_a_morning_list_longer_than_it_can_hold_says_so(area: Any, monkeypatch: Any) -> None:
    from mace.missing import selectors

    from ..factories import PersonFactory

    monkeypatch.setattr(selectors, "MORNING_LIST_LIMIT", 1)
    report(area, "MFH-1")
    report(area, "MFH-2", person=PersonFactory(partnership=area.partnership))
    view = selectors.morning_list(area.officer)
    assert (len(view.rows), view.truncated) == (1, True)
    html = _client(area.officer).get("/missing/").content.decode()
    assert "More children are missing than this list can hold" in html


def test_the_strategy_requirement_shows_red_until_held(area: Any) -> None:
    episode = report(area, seen=NOW - timedelta(days=3))
    services.require_strategy_meetings(NOW)
    client = _client(area.manager)
    assert "Required now" in client.get(f"/missing/episodes/{episode.pk}/").content.decode()
    body = {
        "outcome": "Section 47 enquiry.",
        "police_attended": "on",
        "agencies": [str(area.police.pk)],
        **_when("held", NOW - timedelta(hours=1)),
    }
    client.post(f"/missing/episodes/{episode.pk}/strategy/", body)
    assert StrategyRequirement.objects.get(episode=episode).held_at is not None
    assert "Required now" not in client.get(f"/missing/episodes/{episode.pk}/").content.decode()


def test_police_record_the_return_from_the_web(area: Any) -> None:
    episode = report(area)
    body = {
        "found_place": "Bus station",
        "found_by": "police",
        "harm_disclosed": "no",
        "version": episode.version,
        **_when("returned", NOW - timedelta(minutes=30)),
    }
    response = _client(area.officer).post(f"/missing/episodes/{episode.pk}/return/", body)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == MissingEpisode.Status.RETURNED


def test_a_stale_return_form_shows_the_conflict_page(area: Any) -> None:
    episode = report(area)
    services.episode_update(
        episode=episode, text="Seen in town", by=area.officer, version=saved_version(episode)
    )
    body = {
        "found_place": "Bus station",
        "found_by": "police",
        "harm_disclosed": "no",
        "version": episode.version,
        **_when("returned", NOW - timedelta(minutes=30)),
    }
    response = _client(area.officer).post(f"/missing/episodes/{episode.pk}/return/", body)
    assert response.status_code == 409


def test_the_return_worker_offers_the_interview_from_the_web(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    interview = ReturnInterview.objects.get()
    client = _client(area.rhi_worker)
    assert area.child.display_name in client.get("/missing/interviews/").content.decode()
    client.post(f"/missing/interviews/{interview.pk}/", {"action": "offer", "version": interview.version})
    interview.refresh_from_db()
    assert interview.offered_at is not None


def test_a_stranger_cannot_open_an_episode(area: Any, make_user: Any) -> None:
    from mace.accounts.models import Role

    episode = report(area)
    assert _client(make_user(Role.SOCIAL_WORKER)).get(f"/missing/episodes/{episode.pk}/").status_code == 404


def test_the_childs_record_shows_their_missing_history(area: Any) -> None:
    report(area)
    html = _client(area.social_worker).get(f"/people/{area.child.pk}/").content.decode()
    assert "Missing from home or care" in html
    assert "Missing 1 time in the last 30 days" in html


@pytest.mark.parametrize(
    "path",
    [
        "/missing/patterns/",
        "/missing/reports/monthly/?month=2026-11",
        "/missing/reports/drivers/?month=2026-11",
    ],
)
def test_the_reports_open_for_the_partnership_analyst(area: Any, make_user: Any, path: str) -> None:
    from mace.accounts.models import Role

    report(area)
    analyst = make_user(Role.PARTNERSHIP_ANALYST, team=area.front_door, agency=area.council)
    response = _client(analyst).get(path)
    assert response.status_code == 200
    assert area.child.display_name not in response.content.decode()


def test_the_drivers_report_downloads_as_a_pdf(area: Any) -> None:
    episode = report(area)
    services.episode_return(
        episode=episode, data=return_in(), by=area.officer, version=saved_version(episode)
    )
    response = _client(area.worker).get("/missing/reports/drivers.pdf?month=2026-11")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_monthly_dataset_downloads_as_csv(area: Any) -> None:
    report(area)
    response = _client(area.worker).get("/missing/reports/monthly/?month=2026-11&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "Episodes reported,1" in response.content.decode()


def test_the_home_page_says_how_many_children_are_missing_and_what_is_required(area: Any) -> None:
    report(area, seen=NOW - timedelta(days=3))
    services.require_strategy_meetings(NOW)
    html = _client(area.social_worker).get("/").content.decode()
    assert "Children missing now: 1, 1 strategy meeting required" in html


@time_machine.travel(NOW, tick=False)
def test_the_episodes_to_identify_are_paged_newest_report_first(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 2)
    # The name of a known child without a date of birth: never linked for certain, so listed to identify.
    unknown = {"given_names": area.child.given_names, "family_name": area.child.family_name}
    episodes = []
    for i in range(3):  # MFH-U2 is the newest report
        seen = NOW - timedelta(hours=6 - i)
        episodes.append(report(area, f"MFH-U{i}", seen=seen, person=None, subject=unknown))
    assert [e.person_id for e in episodes] == [None, None, None], [e.match_status for e in episodes]
    client = _client(area.worker)
    first = client.get("/missing/identify/").content.decode()
    second = client.get("/missing/identify/?page=2").content.decode()
    assert "Showing 1 to 2 of 3" in first
    assert "MFH-U2" in first and "MFH-U0" not in first
    assert "MFH-U0" in second and "MFH-U2" not in second


# Partner exports (issue #14, item 6) ---------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_morning_list_downloads_the_pages_rows_in_its_order_and_is_logged(area: Any) -> None:
    import io

    from openpyxl import load_workbook

    from mace.core.models import AccessLogEntry
    from mace.missing import presenters, selectors

    from ..factories import PersonFactory
    from .conftest import CLOCK

    other = PersonFactory(partnership=area.partnership, given_names="Ottoline", family_name="Marsh")
    report(area, "MFH-1", seen=NOW - timedelta(hours=3))
    report(area, "MFH-2", seen=NOW - timedelta(hours=30), person=other, risk=MissingEpisode.Risk.HIGH)
    with time_machine.travel(CLOCK, tick=False):
        html = _client(area.worker).get("/missing/").content.decode()
        assert 'href="/missing/?format=csv"' in html and "Download as spreadsheet (xlsx)" in html
        view = selectors.morning_list(area.worker)
        wanted = [presenters.morning_export_row(r, view.now) for r in view.rows]
        rows = _csv_rows(_client(area.worker).get("/missing/?format=csv"))
        sheet = load_workbook(io.BytesIO(_client(area.worker).get("/missing/?format=xlsx").content)).active
    assert rows[0] == presenters.MORNING_HEAD
    assert [r[:9] for r in rows[1:]] == [[str(v) for v in w[:9]] for w in wanted]
    assert [r[0] for r in rows[1:]] == ["Ottoline Marsh", area.child.display_name]  # highest risk first
    assert rows[2][6] == f"{area.social_worker.get_full_name()}, Exploitation Team"
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == presenters.MORNING_HEAD and [v[:9] for v in values[1:]] == [w[:9] for w in wanted]
    assert values[1][9] == (NOW - timedelta(hours=30)).replace(tzinfo=None)  # last seen, a date (GMT)
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).latest("pk")
    assert (entry.object_type, entry.detail) == (
        "missing_episode",
        {"format": "xlsx", "rows": 2, "filters": {"scope": "partnership"}},
    )
    # A social worker's list is the children they work with, and so is their download.
    mine = _csv_rows(_client(area.social_worker).get("/missing/?format=csv"))
    assert [r[0] for r in mine[1:]] == [area.child.display_name]


def test_a_role_without_the_morning_list_gets_no_download(area: Any) -> None:
    from mace.accounts.models import Role
    from mace.core.models import AccessLogEntry

    from ..factories import UserFactory

    report(area)
    executive = UserFactory(roles=[Role.EXECUTIVE])
    assert _client(executive).get("/missing/").status_code == 404
    assert _client(executive).get("/missing/?format=csv").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert _client(area.worker).get("/missing/?format=json").status_code == 404
