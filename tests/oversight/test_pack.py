"""The board pack: sections registered and built in order, the PDF made from the page's HTML (every
heading and chart table in its text), names redacted from children's words, the data-quality counts, and
only readers of partnership figures may have one."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader
from typer.testing import CliRunner

from mace.accounts.models import Role
from mace.casework.models import Visit
from mace.cli import app
from mace.frontdoor.models import Contact
from mace.missing.models import MissingEpisode
from mace.oversight import charts, pack
from mace.oversight.pack_sections import data_quality_counts, redact
from mace.oversight.periods import Period
from mace.people.models import Identifier, PersonName
from mace.screening.models import Screening
from mace.screening.selectors import active_tool_version
from mace.screening.services import tool_sync_shipped

from ..conftest import sign_in
from ..factories import AgencyFactory, PartnershipFactory, PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
QUARTER = "quarter:2026-07"
IN_QUARTER = datetime(2026, 8, 14, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def executive() -> Any:
    return UserFactory(roles=[Role.EXECUTIVE])


@pytest.fixture
def fake_sections() -> Any:
    """Two sections as another module would register them: one with a chart and its table."""

    def trend(user: Any, period: Period, ids: list[int]) -> dict[str, Any]:
        points = (
            charts.Point("Jul 2026", 71.0),
            charts.Point("Aug 2026", 83.0),
            charts.Point("Sep 2026", 92.0),
        )
        return {
            "chart": charts.trend_chart(points, description="Reviewed within 24 hours", percent=True),
            "rows": [(p.label, f"{p.value:.0f}%") for p in points],
            "headlines": ["Front door timeliness rose to 92%."],
            "decisions": ["Agree the target for next year."],
        }

    with pack.sections_as_registered():
        pack.register_section("trend", "Front door timeliness", 10, "oversight/_test_trend.html", trend)
        pack.register_section(
            "quiet", "Nothing this time", 20, "oversight/_test_trend.html", lambda u, p, i: None
        )
        yield


@pytest.fixture(autouse=True)
def _test_template(settings: Any, tmp_path: Any) -> None:
    folder = tmp_path / "oversight"
    folder.mkdir()
    (folder / "_test_trend.html").write_text(
        '{% from "core/_table.html" import govukTable %}{{ chart }}'
        "{% set r = [] %}{% for label, value in rows %}"
        '{% do r.append([{"text": label}, {"text": value}]) %}{% endfor %}'
        '{{ govukTable({"caption": "Reviewed within 24 hours", '
        '"head": [{"text": "Month"}, {"text": "Share"}], "rows": r}) }}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def _tool() -> Any:
    tool_sync_shipped()
    return active_tool_version()


def _episode(area: Any, ref: str, **kw: Any) -> MissingEpisode:
    fields = {
        "partnership": area,
        "police_ref": ref,
        "route": "api",
        "category": "missing",
        "setting": "home",
        "risk": 2,
        "reported_at": IN_QUARTER,
        "last_seen_at": IN_QUARTER,
        "last_seen_place": "Park",
        "circumstances": "Did not come home",
        "strategy_due_at": IN_QUARTER,
        "match_status": "needs_review",
    }
    return MissingEpisode.objects.create(**{**fields, **kw})


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _visit(person: Any, words: str) -> Visit:
    return Visit.objects.create(
        person=person,
        visited_on=date(2026, 8, 14),
        by_label="Sam Worker",
        seen=True,
        place="Home",
        child_words=words,
        observations="Seen alone.",
        recorded_at=IN_QUARTER,
    )


def test_the_pdf_has_every_section_heading_and_the_chart_table_figures(
    executive: Any, fake_sections: Any
) -> None:
    made = pack.render_pdf(pack.build_pack(executive, Period.parse(QUARTER), kind="board"))
    text = _pdf_text(made.content)
    for heading in (
        "Summary and decisions needed",
        "Front door timeliness",
        "Nothing this time",
        "Children's experience",
        "Data quality",
        "Contents",
    ):
        assert heading in text, heading
    for figure in ("Jul 2026", "71%", "83%", "92%"):
        assert figure in text, figure
    assert "Agree the target for next year." in text  # the summary collected the section's decision
    assert made.pages >= 5  # each section starts a new page


def test_a_section_whose_builder_returns_nothing_is_left_out_with_a_reason(
    executive: Any, fake_sections: Any
) -> None:
    built = pack.build_pack(executive, Period.parse(QUARTER))
    quiet = next(s for s in built.sections if s.code == "quiet")
    assert quiet.context is None and quiet.omitted == "There is nothing to report for this period."
    ours = [s.code for s in built.sections if s.code in ("summary", "trend", "quiet")]
    assert ours == ["summary", "trend", "quiet"]  # in order, among the sections other modules register


def test_the_pdf_fetches_nothing_from_the_network() -> None:
    fetcher = pack.local_fetcher()
    for url in (
        "https://example.com/tracker.png",
        "file:///etc/passwd",
        pack.BASE_URL + "static/../../etc/passwd",
    ):
        with pytest.raises(pack.FetchRefused):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    assert fetcher.fetch(pack.BASE_URL + "static/css/pack-print.css").read().startswith(b"/*")


def test_childrens_words_come_out_with_the_childs_and_other_peoples_names_removed(executive: Any) -> None:
    child = PersonFactory(
        given_names="Kayleigh", family_name="Brennan", preferred_name="Kay", date_of_birth=date(2011, 5, 1)
    )
    PersonName.objects.create(person=child, kind=PersonName.Kind.ALIAS, given_names="Kiki")
    PersonFactory(given_names="Tyrone", family_name="Marsh")  # someone else known to the partnership
    _visit(child, "kayleigh is fine. Tyrone Marsh drives me to town and Kiki is what they call me.")
    built = pack.build_pack(executive, Period.parse(QUARTER))
    section = next(s for s in built.sections if s.code == "childrens-experience")
    quote = section.context["quotes"][0]
    assert quote["text"] == "[name] is fine. [name] [name] drives me to town and [name] is what they call me."
    assert quote["who"] == "A child aged 14 or 15, said to their worker on a visit"
    html, text = pack.render_html(built, pdf=True), _pdf_text(pack.render_pdf(built).content)
    for name in ("Kayleigh", "Brennan", "Kay ", "Kiki", "Tyrone", "Marsh"):
        assert name not in html and name not in text


def test_redaction_keeps_ordinary_lowercase_words_that_are_also_names() -> None:
    assert redact("I will go to Rose's", own=set(), everyone={"will", "rose"}) == "I will go to [name]'s"


def test_a_long_number_in_a_childs_words_is_removed() -> None:
    assert redact("ring 07700 900123", own=set(), everyone=set()) == "ring [number]"


def test_the_data_quality_counts_are_those_of_the_records(executive: Any) -> None:
    with_nhs = PersonFactory()
    Identifier.objects.create(person=with_nhs, scheme=Identifier.Scheme.NHS, value="9434765919")
    PersonFactory.create_batch(2)
    area = with_nhs.partnership
    common = {"partnership": area, "kind": "vpa", "route": "api", "summary": "Concern", "subject": {}}
    due = {"received_at": IN_QUARTER, "review_due_at": IN_QUARTER, "decision_due_at": IN_QUARTER}
    Contact.objects.create(**common, **due, match_status=Contact.Match.NEEDS_REVIEW)
    Contact.objects.create(**common, **due, match_status=Contact.Match.MATCHED, person=with_nhs)
    _episode(area, "P1")
    _episode(area, "P2", reported_at=datetime(2026, 10, 2, tzinfo=UTC))  # after the quarter
    Screening.objects.create(
        partnership=area,
        tool_version=_tool(),
        answers={},
        analysis="",
        score=0,
        level=1,
        judgement=1,
        judgement_reason="",
        status="complete",
        completed_by_label="Nurse",
        completed_at=IN_QUARTER,
    )
    counts = data_quality_counts(Period.parse(QUARTER), [area.pk])
    assert counts == {
        "children": 3,
        "without_nhs": 2,
        "contacts_waiting": 1,
        "episodes_unidentified": 1,
        "screenings_without_person": 1,
    }
    section = next(
        s for s in pack.build_pack(executive, Period.parse(QUARTER)).sections if s.code == "data-quality"
    )
    assert [r["cells"] for r in section.context["rows"]] == [["fewer than 5"]] * 4  # an executive's view


def test_a_role_without_partnership_figures_gets_not_found(client: Any) -> None:
    sign_in(client, UserFactory(roles=[Role.SOCIAL_WORKER]))
    assert client.get("/oversight/board-pack/").status_code == 404
    assert client.get(f"/oversight/board-pack/?period={QUARTER}&format=pdf").status_code == 404


def test_an_executive_downloads_the_pack_as_a_pdf(client: Any, executive: Any) -> None:
    sign_in(client, executive)
    response = client.get(f"/oversight/board-pack/?period={QUARTER}&kind=board&format=pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "mace-board-pack-quarter-2026-07.pdf" in response["Content-Disposition"]


def test_the_page_shows_the_pack_with_its_download_button(client: Any, executive: Any) -> None:
    sign_in(client, executive)
    html = client.get(f"/oversight/board-pack/?period={QUARTER}").content.decode()
    assert (
        "Download the board pack (PDF)" in html and f"period={QUARTER}&amp;kind=board&amp;format=pdf" in html
    )
    assert "Children&#39;s experience" in html or "Children's experience" in html


def test_a_period_that_has_not_ended_is_refused_on_the_page(client: Any, executive: Any) -> None:
    sign_in(client, executive)
    html = client.get("/oversight/board-pack/?period=quarter:2026-10&format=pdf").content.decode()
    assert "October to December 2026 has not ended yet" in html  # the page, not a PDF, says why


def test_the_pan_area_pack_reads_the_twelve_months_to_the_quarters_end(executive: Any) -> None:
    built = pack.build_pack(executive, Period.parse(QUARTER), kind="pan_area")
    assert built.period == Period.parse("year:2026-09")


def test_the_pan_area_pack_counts_children_missing_in_another_area_than_theirs() -> None:
    east, west = PartnershipFactory(code="east", name="East"), PartnershipFactory(code="west", name="West")
    police = AgencyFactory(partnerships=[east, west])
    manager = UserFactory(team=TeamFactory(agency=police, partnership=east), roles=[Role.TEAM_MANAGER])
    placed_west = PersonFactory(partnership=east)
    _episode(west, "W1", person=placed_west, setting="care", match_status="matched")
    _episode(west, "W2", person=PersonFactory(partnership=west), match_status="matched")
    _episode(east, "E1", person=placed_west, match_status="matched")
    built = pack.build_pack(manager, Period.parse(QUARTER), kind="pan_area")
    across = next(s for s in built.sections if s.code == "across-areas").context
    assert across["pair_rows"] == [["East", "West", "1", "1"]]
    assert across["area_rows"] == [["East", "1", "0", "0", "0"], ["West", "1", "1", "0", "1"]]
    board = pack.build_pack(manager, Period.parse(QUARTER), kind="board")
    assert "across-areas" not in [s.code for s in board.sections] and board.partnership_ids == [east.pk]


def test_pack_links_offer_the_download_only_to_readers_of_figures(executive: Any) -> None:
    assert pack.pack_links(executive)[0]["text"] == "Download the board pack (PDF)"
    assert pack.pack_links(UserFactory(roles=[Role.SOCIAL_WORKER])) == []


def test_the_command_writes_the_pack(tmp_path: Any, executive: Any) -> None:
    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(
        app, ["oversight", "board-pack", "--period", QUARTER, "--out", str(out), "--user", executive.username]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "Pages" in result.output


def test_the_board_pack_carries_the_scorecard_and_the_exception_report_of_the_page(executive: Any) -> None:
    from mace.frontdoor.models import Contact

    area = executive.agency.partnerships.first()
    for day in range(1, 13):
        received = datetime(2026, 8, day, 10, 0, tzinfo=UTC)
        Contact.objects.create(
            partnership=area,
            kind=Contact.Kind.PROFESSIONAL,
            route=Contact.Route.WEB,
            received_at=received,
            review_due_at=received + timedelta(hours=24),
            decision_due_at=received + timedelta(hours=8),
            match_status=Contact.Match.NEW,
            summary="test",
            approved_at=received + timedelta(hours=2) if day <= 6 else None,
        )
    made = pack.render_pdf(pack.build_pack(executive, Period.parse(QUARTER), kind="board"))
    text = _pdf_text(made.content)
    for heading in (
        "The exploitation scorecard",
        "Exception reports: the red measures",
        "Trends against the targets",
    ):
        assert heading in text, heading
    assert "Contacts reviewed within 24 hours" in text and "6 of 12 (50%)" in text
    assert "Agree what will be done about: Contacts reviewed within 24 hours" in text
