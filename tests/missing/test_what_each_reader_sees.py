"""The missing figures promise what each reader may follow and read: a list links only the records the
reader can open, and free text (which names children) reaches only readers who may see names."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.models import Role
from mace.missing import services

from ..conftest import sign_in
from ..factories import PersonFactory, TeamFactory, UserFactory
from ..versions import saved_version
from .conftest import NOW, episode_in, report, return_in

pytestmark = pytest.mark.django_db

COUNT_ONLY = [Role.EXECUTIVE, Role.SCRUTINEER, Role.PARTNERSHIP_ANALYST]


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _page(user: Any, path: str) -> str:
    response = sign_in(Client(), user).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _reader(area: Any, role: str) -> Any:
    """Someone in the partnership with no relationship to the area's children."""
    return UserFactory(
        team=TeamFactory(agency=area.council, partnership=area.partnership), agency=area.council, roles=[role]
    )


def _pdf_text(data: bytes) -> str:
    """The text drawn in a PDF: its content streams, inflated."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            parts.append(stream)
    return b"\n".join(parts).decode("latin-1")


# Lists link only what the reader can open ----------------------------------------------------------


def _repeat_missing(area: Any, child: Any, by: Any, prefix: str) -> None:
    for n, days in enumerate([40, 25, 10]):
        episode, _ = services.episode_report(
            data=episode_in(area, f"{prefix}-{n}", seen=NOW - timedelta(days=days), person=child),
            partnership=area.partnership,
            route="web",
            by=by,
        )
        services.episode_return(
            episode=episode,
            data=return_in(NOW - timedelta(days=days - 1)),
            by=by,
            version=saved_version(episode),
        )


def test_the_workload_page_links_only_the_trigger_plans_the_reader_can_open(area: Any) -> None:
    other_team = TeamFactory(agency=area.police, partnership=area.partnership, name="Missing Team West")
    other_officer = UserFactory(team=other_team, agency=area.police, roles=[Role.POLICE_OFFICER])
    stranger = PersonFactory(partnership=area.partnership, given_names="Rowan", family_name="Ashdown")
    _repeat_missing(area, area.child, area.officer, "MFH-A")
    _repeat_missing(area, stranger, other_officer, "MFH-B")
    page = _page(area.officer, "/missing/workload/")
    assert f'href="/missing/children/{area.child.pk}/trigger-plan/"' in page
    assert "Rowan Ashdown" in page  # the officer shares the morning list: the name is shown
    assert f'href="/missing/children/{stranger.pk}/trigger-plan/"' not in page


@pytest.mark.parametrize("role", [Role.HEALTH_SAFEGUARDING_LEAD, Role.TEAM_MANAGER])
def test_the_monthly_dataset_lists_mismatches_without_links_the_reader_cannot_follow(
    area: Any, role: str
) -> None:
    episode = report(area, "MFH-48", seen=NOW - timedelta(days=3))  # 48 hours, no strategy meeting
    page = _page(_reader(area, role), "/missing/reports/monthly/?month=2026-11")
    assert "MFH-48" in page
    assert f'href="/missing/episodes/{episode.pk}/"' not in page


@pytest.mark.parametrize("role", [*COUNT_ONLY, Role.ADMINISTRATOR])
def test_a_reader_who_may_not_see_names_gets_the_number_of_mismatches_not_the_episodes(
    area: Any, role: str
) -> None:
    report(area, "MFH-48", seen=NOW - timedelta(days=3))
    reader = _reader(area, role)
    page = _page(reader, "/missing/reports/monthly/?month=2026-11")
    csv = sign_in(Client(), reader).get("/missing/reports/monthly/?month=2026-11&format=csv").content.decode()
    assert "MFH-48" not in page and "MFH-48" not in csv
    assert "Mismatches (fewer than 5)" in page
    assert "Mismatches,fewer than 5" in csv


def test_the_monthly_dataset_links_the_mismatches_the_reader_can_open(area: Any) -> None:
    episode = report(area, "MFH-48", seen=NOW - timedelta(days=3))
    page = _page(area.manager, "/missing/reports/monthly/?month=2026-11")  # the child's allocated team
    assert f'href="/missing/episodes/{episode.pk}/"' in page


# Free text reaches only readers who may see names --------------------------------------------------


@pytest.fixture
def found_with_a_child(area: Any) -> Any:
    """An episode whose return names another child, in who the child was with and where."""
    friend = PersonFactory(partnership=area.partnership, given_names="Tallulah", family_name="Quennell")
    episode = report(area, seen=NOW - timedelta(days=4))
    services.episode_return(
        episode=episode,
        version=saved_version(episode),
        data=return_in(
            NOW - timedelta(days=3),
            found_with=f"{friend.display_name} and older males",
            found_place=f"{friend.display_name}'s flat, Mill Lane",
        ),
        by=area.officer,
    )
    return friend


PAGES = ["/missing/patterns/", "/missing/reports/drivers/?month=2026-11"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", COUNT_ONLY)
def test_count_only_readers_see_no_free_text_on_the_missing_pages(
    area: Any, found_with_a_child: Any, role: str, path: str
) -> None:
    page = _page(_reader(area, role), path)
    for text in ("Quennell", "older males", "Mill Lane", area.child.family_name):
        assert text not in page
    assert "free text" in page


@pytest.mark.parametrize("role", COUNT_ONLY)
def test_count_only_readers_see_no_free_text_in_the_drivers_pdf(
    area: Any, found_with_a_child: Any, role: str
) -> None:
    response = sign_in(Client(), _reader(area, role)).get("/missing/reports/drivers.pdf?month=2026-11")
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Episodes by period" in text  # the text is readable, so its absence below means something
    for value in ("Quennell", "older males", "Mill Lane"):
        assert value not in text


def test_readers_of_the_morning_list_see_who_children_were_found_with(
    area: Any, found_with_a_child: Any
) -> None:
    text = _pdf_text(sign_in(Client(), area.worker).get("/missing/reports/drivers.pdf?month=2026-11").content)
    assert "Tallulah Quennell and older males" in text
    assert "Tallulah Quennell and older males" in _page(area.worker, "/missing/patterns/")


def _officer_elsewhere(area: Any) -> Any:
    """A police officer who shares the morning list but does not work with the area's child."""
    team = TeamFactory(agency=area.police, partnership=area.partnership, name="Missing Team West")
    return UserFactory(team=team, agency=area.police, roles=[Role.POLICE_OFFICER])


def test_an_episode_names_a_child_the_reader_cannot_open_without_linking_their_pages(area: Any) -> None:
    episode = report(area)
    page = _page(_officer_elsewhere(area), f"/missing/episodes/{episode.pk}/")
    assert area.child.display_name in page
    for href in (f"/people/{area.child.pk}/", f"/missing/children/{area.child.pk}/"):
        assert f'href="{href}' not in page


def test_an_episode_links_the_childs_record_plan_and_history_for_those_who_work_with_them(area: Any) -> None:
    episode = report(area)
    page = _page(area.social_worker, f"/missing/episodes/{episode.pk}/")
    for href in (f"/people/{area.child.pk}/", f"/missing/children/{area.child.pk}/trigger-plan/"):
        assert f'href="{href}"' in page
