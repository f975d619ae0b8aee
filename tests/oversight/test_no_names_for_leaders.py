"""Disclosure control (issue 11, item 5), proved by following every link: no page or export open to an
executive, an independent scrutineer or a partnership analyst names a child or repeats free text that
names someone, and the small counts on those pages read "fewer than 5". The scrutineer sees every
partnership's figures, the executive only their own, and the scrutineer can change nothing."""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from mace.accounts.models import Agency, Role, RoleAssignment
from mace.accounts.selectors import figure_partnership_ids
from mace.frontdoor.models import Contact
from mace.missing import services
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.people.models import Flag, Person
from mace.people.selectors import partnership_figures
from mace.screening import selectors as screening_selectors
from mace.screening import services as screening_services

from ..browser.crawl import links
from ..conftest import sign_in
from ..factories import (
    AgencyFactory,
    AllocatedInvolvementFactory,
    FlagFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from ..versions import saved_version

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # the records are made now; the pages read 6 days later
CLOCK = NOW + timedelta(days=6)
CHILDREN = [("Zebedee", "Quillfeather"), ("Ottoline", "Bramblewick"), ("Caspian", "Thistlewood")]
ADULT = "Desmond Ravenscroft"
# Every name, and every phrase of free text written about the children: none may reach these readers.
FORBIDDEN = [part for name in CHILDREN for part in name] + [
    "Desmond",
    "Ravenscroft",
    "Pelican Row",
    "Marrowbone",
    "vapes",
    "Peregrine",
    "Ashcombe",
]
AGGREGATE_ONLY = [Role.EXECUTIVE, Role.SCRUTINEER, Role.PARTNERSHIP_ANALYST]
REPORTS = [
    "/",
    "/oversight/",
    "/missing/reports/monthly/?month=2026-11",
    "/missing/reports/monthly/?month=2026-11&format=csv",
    "/missing/reports/drivers/?month=2026-11",
    "/missing/reports/drivers.pdf?month=2026-11",
    "/missing/patterns/",
    "/missing/workload/",
    "/casework/caseloads/",
    "/casework/caseloads/?format=csv",
    "/casework/caseloads/?format=xlsx",
    "/casework/supervision/",
    "/front-door/performance/?since=2026-11-01&until=2026-11-30",
    "/meetings/minutes/",
    "/meetings/minutes/?format=csv",
]
# Pages that hold a count from 1 to 4 for these records: each must say "fewer than 5".
SMALL_COUNTS = [r for r in REPORTS if not r.startswith(("/oversight/", "/meetings/minutes/"))]
BUDGET = 80  # pages and downloads per reader
PER_SHAPE = 2  # of one kind (a month's dataset and the one before it, not every month back to 2000)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(CLOCK, tick=False):
        yield


@pytest.fixture
def area() -> Any:
    """A partnership with three children who go missing together (counts of 1 to 4 everywhere), whose
    returns, interviews and a screening name each other and an adult; and a second partnership."""
    partnership = PartnershipFactory(name="Eastshire")
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[partnership])
    council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
    rhi = AgencyFactory(kind=Agency.Kind.COMMISSIONED, partnerships=[partnership])
    officer = UserFactory(
        team=TeamFactory(agency=police, partnership=partnership), agency=police, roles=[Role.POLICE_OFFICER]
    )
    rhi_worker = UserFactory(
        team=TeamFactory(agency=rhi, partnership=partnership), agency=rhi, roles=[Role.RHI_WORKER]
    )
    business = TeamFactory(agency=council, partnership=partnership, name="Business intelligence")
    readers = {
        role: UserFactory(team=business, agency=council, roles=[role])
        for role in [*AGGREGATE_ONLY, Role.TEAM_MANAGER]
    }
    zebedee, ottoline, caspian = (
        PersonFactory(partnership=partnership, given_names=given, family_name=family)
        for given, family in CHILDREN
    )
    FlagFactory(person=zebedee, kind=Flag.Kind.CSE, reason=f"Seen in {ADULT}'s car")
    social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation team")
    social_worker = UserFactory(team=social_work, agency=council, roles=[Role.SOCIAL_WORKER])
    for child in (zebedee, ottoline, caspian):  # a caseload of 3: "fewer than 5" on caseloads and supervision
        AllocatedInvolvementFactory(person=child, team=social_work, worker=social_worker)

    def missing(child: Person, ref: str, days_ago: float, **found: str) -> MissingEpisode:
        seen = NOW - timedelta(days=days_ago)
        episode, _ = services.episode_report(
            data=services.EpisodeIn(
                police_ref=ref,
                category=MissingEpisode.Category.MISSING,
                setting=MissingEpisode.Setting.HOME,
                risk=MissingEpisode.Risk.HIGH,
                reported_at=seen + timedelta(hours=1),
                last_seen_at=seen,
                last_seen_place="Outside the Marrowbone Lane chip shop",
                last_seen_with=f"{CHILDREN[2][0]} {CHILDREN[2][1]}",
                circumstances=f"Left school with {ADULT}.",
                person=child,
            ),
            partnership=partnership,
            route="web",
            by=officer,
        )
        episode, _ = services.episode_return(
            episode=episode,
            data=services.ReturnIn(
                returned_at=seen + timedelta(hours=30),
                found_place=f"{ADULT}'s flat, Pelican Row",
                found_by=MissingEpisode.FoundBy.POLICE,
                found_with=found.get("with", f"Ottoline Bramblewick and {ADULT}"),
                child_account="Desmond gives us vapes.",
            ),
            by=officer,
            version=saved_version(episode),
        )
        return episode

    first = missing(zebedee, "MFH-101", 12)
    missing(ottoline, "MFH-102", 12.2, **{"with": f"Zebedee Quillfeather and {ADULT}"})
    missing(zebedee, "MFH-103", 5)
    missing(caspian, "MFH-104", 4, **{"with": f"Zebedee Quillfeather and {ADULT}"})
    interview = ReturnInterview.objects.get(episode=first)
    for action, extra in [
        ("offer", {}),
        ("accept", {}),
        (
            "complete",
            {
                "push_factors": ["conflict_home"],
                "pull_factors": ["older_associates"],
                "where_stayed": f"{ADULT}'s flat on Pelican Row",
                "who_with": f"Caspian Thistlewood and {ADULT}",
                "child_words": "Desmond gives us vapes.",
            },
        ),
    ]:
        interview = services.interview_record(
            interview=interview,
            data=services.InterviewIn(action=action, at=first.returned_at + timedelta(hours=5), **extra),
            by=rhi_worker,
            version=saved_version(interview),
        )
    screening_services.screening_complete(
        data=screening_services.ScreeningIn(
            tool_version=screening_selectors.active_tool_version(),
            answers={"cce_missing": f"Missing with {ADULT}, returned with new trainers."},
            analysis=f"Zebedee Quillfeather is drawn to {ADULT}.",
            judgement=1,
            judgement_reason="One indicator; police to share more.",
            child_voice="Desmond gives us vapes.",
            person=zebedee,
        ),
        partnership=partnership,
        by=officer,
    )
    # Another partnership in the same deployment, with children of its own.
    elsewhere = PartnershipFactory(code="westshire", name="Westshire")
    for n in range(6):
        PersonFactory(partnership=elsewhere, given_names="Peregrine", family_name=f"Ashcombe{n}")

    class Area:
        pass

    Area.partnership, Area.elsewhere, Area.episode = partnership, elsewhere, first  # type: ignore[attr-defined]
    Area.readers = {**readers, Role.POLICE_OFFICER: officer}  # type: ignore[attr-defined]
    return Area


def _text(response: Any) -> str:
    kind = response.get("Content-Type", "")
    body = response.content
    if "pdf" in kind:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    return body.decode("utf-8", "replace")


def _crawl(client: Client) -> dict[str, str]:
    """Every page and download reached from the reports by following links (same site, GET only): its
    text by URL. Query-string variants count as pages of their own (a CSV is `?format=csv`)."""
    queue: deque[str] = deque(REPORTS)
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    out: dict[str, str] = {}
    while queue and len(out) < BUDGET:
        url = queue.popleft()
        shape = re.sub(r"\d+", "#", url)
        if url in seen or (url not in REPORTS and shapes.get(shape, 0) >= PER_SHAPE):
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue
        text = _text(response)
        out[url] = text
        if "text/html" in response.get("Content-Type", ""):
            queue.extend(link for link in links(text, f"http://testserver{url}") if link not in seen)
    return out


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_no_page_or_export_open_to_a_leader_names_a_child_or_repeats_free_text(area: Any, role: str) -> None:
    pages = _crawl(sign_in(Client(), area.readers[role]))
    assert set(REPORTS) <= set(pages), set(REPORTS) - set(pages)
    assert len(pages) > len(REPORTS)  # the crawl followed links beyond where it started
    found = {
        url: [word for word in FORBIDDEN if word.lower() in text.lower()]
        for url, text in pages.items()
        if any(word.lower() in text.lower() for word in FORBIDDEN)
    }
    assert found == {}


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_small_counts_read_fewer_than_5_on_every_page_and_export_a_leader_opens(area: Any, role: str) -> None:
    client = sign_in(Client(), area.readers[role])
    without = [url for url in SMALL_COUNTS if "fewer than 5" not in _text(client.get(url))]
    assert without == []
    monthly = _text(client.get("/missing/reports/monthly/?month=2026-11"))
    assert ">4<" not in monthly.replace(" ", "") and "MFH-10" not in monthly  # 4 episodes; no episode rows


def test_a_reader_of_the_morning_list_sees_the_free_text_so_its_absence_above_means_something(
    area: Any,
) -> None:
    client = sign_in(Client(), area.readers[Role.POLICE_OFFICER])
    assert f"Ottoline Bramblewick and {ADULT}" in _text(client.get("/missing/patterns/"))
    assert "Pelican Row" in _text(client.get("/missing/reports/drivers.pdf?month=2026-11"))


def test_a_manager_who_works_with_records_sees_the_exact_counts_and_the_episodes(area: Any) -> None:
    monthly = _text(
        sign_in(Client(), area.readers[Role.TEAM_MANAGER]).get("/missing/reports/monthly/?month=2026-11")
    )
    assert "fewer than 5" not in monthly
    assert "MFH-101" in monthly


def test_the_scrutineer_sees_every_partnerships_figures_and_the_executive_only_their_own(area: Any) -> None:
    scrutineer, executive = area.readers[Role.SCRUTINEER], area.readers[Role.EXECUTIVE]
    assert set(figure_partnership_ids(scrutineer)) == {area.partnership.pk, area.elsewhere.pk}
    assert figure_partnership_ids(executive) == [area.partnership.pk]
    assert partnership_figures(scrutineer).children == 9  # type: ignore[union-attr]
    assert partnership_figures(executive).children == 3  # type: ignore[union-attr]
    home = sign_in(Client(), scrutineer).get("/").content.decode()
    assert ">9<" in home.replace(" ", "").replace("\n", "")


def test_the_scrutineer_can_change_nothing(area: Any) -> None:
    scrutineer = area.readers[Role.SCRUTINEER]
    client = sign_in(Client(), scrutineer)
    before = (
        MissingEpisode.objects.count(),
        Contact.objects.count(),
        Person.objects.count(),
        Flag.objects.count(),
        list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role")),
        MissingEpisode.objects.get(pk=area.episode.pk).found_with,
    )
    child = area.episode.person_id
    writes = {
        "/missing/report/": {"police_ref": "MFH-999", "last_seen_place": "Anywhere"},
        f"/missing/episodes/{area.episode.pk}/update/": {"found_with": "Someone else"},
        "/front-door/contacts/new/": {"summary": "A concern"},
        "/people/new/": {"given_names": "New", "family_name": "Child"},
        f"/people/{child}/flags/new/": {"kind": "cce", "reason": "Because"},
        f"/accounts/{scrutineer.pk}/": {"roles": [Role.ADMINISTRATOR]},
    }
    refused = {url: client.post(url, data).status_code for url, data in writes.items()}
    assert all(code in (403, 404) for code in refused.values()), refused
    after = (
        MissingEpisode.objects.count(),
        Contact.objects.count(),
        Person.objects.count(),
        Flag.objects.count(),
        list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role")),
        MissingEpisode.objects.get(pk=area.episode.pk).found_with,
    )
    assert after == before
