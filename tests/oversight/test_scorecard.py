"""The scorecard as leaders read it: figures reproduced from the records, RAG by its rule, small counts
withheld from aggregate readers, commentary only on red measures, downloads that match the page."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.oversight import measures, scorecard, services
from mace.oversight.models import Commentary, MeasureFigure
from mace.oversight.views import EXPORT_HEAD, export_rows
from mace.screening.models import Level

from ..conftest import sign_in
from ..factories import InvolvementFactory, UserFactory
from .conftest import NOVEMBER, Records, at


def _reviews(records: Records, on_time: int, late: int, month: int = 11) -> None:
    child = records.child()
    for i in range(on_time):
        records.contact(child, received_at=at(2 + i % 20, month=month), approved_at=at(2 + i % 20, 20, month))
    for i in range(late):
        records.contact(child, received_at=at(2 + i % 20, month=month), approved_at=None)


@pytest.fixture
def executive() -> Any:
    return UserFactory(roles=[Role.EXECUTIVE])


def test_the_24_hour_figure_is_reproduced_and_red_below_85_percent(records: Records, executive: Any) -> None:
    _reviews(records, on_time=16, late=4)  # 80%
    _reviews(records, on_time=9, late=1, month=10)  # 90% in October
    row = scorecard.build(executive, NOVEMBER, codes=["fd_reviewed_24h"]).rows[0]
    assert row.current.figure is not None
    assert (row.current.figure.numerator, row.current.figure.denominator) == (16, 20)
    assert row.rag.colour == "red" and row.rag.rule == "Green at 95% or more; amber from 85%; red below 85%"
    assert row.previous.text == "more than 5 of 10" and row.direction == "Worse"  # 1 late, withheld
    assert row.current.text == "more than 15 of 20"  # 4 late: a small remainder, withheld


def test_a_count_under_5_is_fewer_than_5_for_an_executive_and_exact_for_a_manager(
    records: Records, executive: Any
) -> None:
    for _ in range(3):
        records.screening(records.child(), judgement=Level.HIGH, completed_at=at(5))
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    assert scorecard.build(executive, NOVEMBER, codes=["at_risk_high"]).rows[0].current.text == "fewer than 5"
    assert scorecard.build(manager, NOVEMBER, codes=["at_risk_high"]).rows[0].current.text == "3"


def test_an_empty_period_says_so_rather_than_0_percent(records: Records, executive: Any) -> None:
    row = scorecard.build(executive, NOVEMBER, codes=["fd_reviewed_24h"]).rows[0]
    assert row.current.text == "Nothing in the period" and row.rag.colour == ""


def test_figures_are_kept_and_read_back_rather_than_counted_again(records: Records, executive: Any) -> None:
    _reviews(records, on_time=5, late=0)
    scorecard.build(executive, NOVEMBER, codes=["fd_reviewed_24h"])
    kept = MeasureFigure.objects.get(measure="fd_reviewed_24h", period=NOVEMBER.key)
    assert (kept.numerator, kept.denominator) == (5, 5)
    kept.numerator = 4
    kept.save()
    assert (
        scorecard.build(executive, NOVEMBER, codes=["fd_reviewed_24h"]).rows[0].current.figure.numerator == 4
    )


def test_the_nightly_recompute_counts_every_measure_for_every_kept_period(records: Records) -> None:
    _reviews(records, on_time=2, late=2)
    result = services.recompute(months=2)
    definition = scorecard.definition_of(scorecard.active_set())
    periods = len(services.periods_to_keep(months=2))
    assert result["figures"] == len(definition.measures) * periods
    assert MeasureFigure.objects.get(measure="fd_reviewed_24h", period=NOVEMBER.key).denominator == 4


def test_commentary_on_a_red_measure_is_kept_with_the_period(records: Records) -> None:
    _reviews(records, on_time=10, late=10)
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    comment = services.commentary_save(
        measure_code="fd_reviewed_24h",
        period=NOVEMBER,
        partnership_id=None,
        text="Two vacancies.",
        actions="Agency staff from January.",
        version=0,
        by=analyst,
    )
    assert (comment.period, comment.text, comment.version) == ("month:2026-11", "Two vacancies.", 1)
    assert AccessLogEntry.objects.filter(object_type="commentary", object_id=str(comment.pk)).exists()
    row = scorecard.build(analyst, NOVEMBER, codes=["fd_reviewed_24h"]).rows[0]
    assert row.commentary == comment


def test_commentary_on_a_measure_that_is_not_red_is_refused_and_nothing_is_saved(records: Records) -> None:
    _reviews(records, on_time=20, late=0)
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    with pytest.raises(ValidationError, match="is not red"):
        services.commentary_save(
            measure_code="fd_reviewed_24h",
            period=NOVEMBER,
            partnership_id=None,
            text="x",
            version=0,
            by=analyst,
        )
    assert not Commentary.objects.exists()


def test_an_executive_may_read_but_not_write_commentary(records: Records, executive: Any) -> None:
    _reviews(records, on_time=1, late=10)
    with pytest.raises(PermissionError):
        services.commentary_save(
            measure_code="fd_reviewed_24h",
            period=NOVEMBER,
            partnership_id=None,
            text="x",
            version=0,
            by=executive,
        )
    assert not Commentary.objects.exists()


def test_a_stale_commentary_edit_is_a_conflict_and_keeps_the_saved_text(records: Records) -> None:
    from mace.core.conflict import Conflict

    _reviews(records, on_time=1, late=10)
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    save = dict(measure_code="fd_reviewed_24h", period=NOVEMBER, partnership_id=None, by=analyst)
    services.commentary_save(text="First.", version=0, **save)
    services.commentary_save(text="Second.", version=1, **save)
    with pytest.raises(Conflict):
        services.commentary_save(text="Stale.", version=1, **save)
    assert Commentary.objects.get().text == "Second."


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source": "no_such_source"}, "source 'no_such_source' is not known"),
        ({"params": {"colour": "blue"}}, "has no field 'colour'"),
        ({"target": 120}, "between 0 and 100, not 120"),
        ({"unit": "count"}, "gives a percent, not a count"),
    ],
)
def test_a_definition_that_does_not_make_sense_is_refused_with_its_reason(
    change: dict[str, Any], problem: str
) -> None:
    data = measures.shipped()
    first = next(m for m in data["measures"] if m["code"] == "fd_reviewed_24h")
    first.update(change)
    with pytest.raises(measures.DefinitionError) as exc:
        measures.parse(data)
    assert any(problem in p and "fd_reviewed_24h" in p for p in exc.value.problems)


# Pages and downloads ---------------------------------------------------------------------------------


def test_the_executive_reads_the_scorecard_page_with_every_group(
    client: Any, records: Records, executive: Any
) -> None:
    _reviews(records, on_time=16, late=4)
    page = html.unescape(
        sign_in(client, executive).get("/oversight/scorecard/?period=month:2026-11").content.decode()
    )
    for group in scorecard.definition_of(scorecard.active_set()).groups:
        assert group.title in page
    assert "Contacts reviewed within 24 hours" in page and "more than 15 of 20" in page


def test_a_period_not_yet_ended_is_refused_with_its_reason(
    client: Any, records: Records, executive: Any
) -> None:
    response = sign_in(client, executive).get("/oversight/scorecard/?period=month:2026-12")
    assert response.status_code == 400
    assert "December 2026 has not ended yet" in response.content.decode()


def test_a_social_worker_has_no_scorecard(client: Any, records: Records) -> None:
    worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert sign_in(client, worker).get("/oversight/scorecard/").status_code == 404


def test_the_csv_and_xlsx_say_what_the_page_says(client: Any, records: Records, executive: Any) -> None:
    _reviews(records, on_time=16, late=4)
    sign_in(client, executive)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/oversight/scorecard/?period=month:2026-11&format=csv").content.decode())
        )
    )
    line = next(r for r in rows if len(r) > 1 and r[1] == "Contacts reviewed within 24 hours")
    assert line[2:] == [
        "more than 15 of 20",
        "Nothing in the period",
        "Nothing in the period",
        "Green at 95% or more; amber from 85%; red below 85%",
        "Red",
        "No comparison",
    ]
    book = load_workbook(
        io.BytesIO(client.get("/oversight/scorecard/?period=month:2026-11&format=xlsx").content)
    )
    sheet = book["Scorecard"]
    found = [
        [c.value for c in r] for r in sheet.iter_rows() if r[1].value == "Contacts reviewed within 24 hours"
    ]
    assert found[0][2] == "more than 15 of 20"


def test_a_manager_sees_the_names_of_children_behind_a_figure_only_where_they_may_open_them(
    client: Any, records: Records
) -> None:
    manager = UserFactory(roles=[Role.TEAM_MANAGER])
    mine, other = (
        records.child(given_names="Zebedee", family_name="Quill"),
        records.child(given_names="Ottoline", family_name="Marsh"),
    )
    InvolvementFactory(person=mine, team=manager.team)
    for child in (mine, other):
        records.screening(child, judgement=Level.HIGH, completed_at=at(5))
    page = (
        sign_in(client, manager)
        .get("/oversight/measures/at_risk_high/?period=month:2026-11")
        .content.decode()
    )
    assert "Zebedee Quill" in page and "Ottoline" not in page
    assert "1 more is a child you do not work with" in page
    assert AccessLogEntry.objects.filter(object_type="measure_children", object_id="at_risk_high").exists()


def test_an_executive_sees_the_children_behind_a_figure_as_counts_only(
    client: Any, records: Records, executive: Any
) -> None:
    for i in range(6):
        records.screening(
            records.child(given_names="Zebedee", family_name=f"Quill{i}"),
            judgement=Level.HIGH,
            completed_at=at(5),
        )
    page = (
        sign_in(client, executive)
        .get("/oversight/measures/at_risk_high/?period=month:2026-11")
        .content.decode()
    )
    assert "Zebedee" not in page and "Quill" not in page
    assert "6 children are behind this figure" in page


def test_the_owner_writes_commentary_on_the_measure_page(client: Any, records: Records) -> None:
    _reviews(records, on_time=1, late=10)
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    sign_in(client, analyst)
    response = client.post(
        "/oversight/measures/fd_reviewed_24h/commentary/",
        {
            "period": "month:2026-11",
            "text": "Sickness in the team.",
            "actions": "Cover from the duty team.",
            "version": "0",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Sickness in the team." in page and "Commentary saved with the period" in page


def test_an_empty_commentary_is_refused_on_the_page_and_nothing_is_saved(
    client: Any, records: Records
) -> None:
    _reviews(records, on_time=1, late=10)
    sign_in(client, UserFactory(roles=[Role.PARTNERSHIP_ANALYST]))
    response = client.post(
        "/oversight/measures/fd_reviewed_24h/commentary/",
        {"period": "month:2026-11", "text": " ", "version": "0"},
    )
    assert response.status_code == 400 and "Say why the measure is red" in response.content.decode()
    assert not Commentary.objects.exists()


def test_the_landing_page_opens_on_what_is_red(client: Any, records: Records, executive: Any) -> None:
    _reviews(records, on_time=1, late=10)
    page = sign_in(client, executive).get("/oversight/").content.decode()
    assert "What is red" in page and "Contacts reviewed within 24 hours" in page
    assert "Children at highest risk and not improving" in page


def test_kept_figures_older_than_today_are_recomputed_by_the_nightly_job(records: Records) -> None:
    from .conftest import NOW

    _reviews(records, on_time=2, late=0)  # the records fixture travels to NOW, and the job is told NOW
    assert services.recompute_nightly(NOW) > 0
    assert services.recompute_nightly(NOW + timedelta(hours=1)) == 0  # once a day
    assert services.recompute_nightly(NOW + timedelta(days=1)) > 0  # and again the next day


def test_the_documentation_names_every_measure_of_the_shipped_definition() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2].joinpath("docs", "oversight.md").read_text()
    for m in measures.parse(measures.shipped()).measures:
        assert f"| {m.title} |" in docs, m.code


def test_a_quarter_and_a_year_derived_from_their_months_equal_counting_them_afresh(records: Records) -> None:
    from mace.oversight import sources
    from mace.oversight.periods import Period
    from mace.oversight.sources import Scope

    from .conftest import NOW

    for month in (9, 10, 11):
        _reviews(records, on_time=month - 7, late=1, month=month)
        child = records.child()
        records.screening(child, judgement=Level.HIGH, completed_at=at(3, month=month))
        records.episode(child, last_seen_at=at(4, month=month), returned_at=at(5, month=month))
        records.episode(child, last_seen_at=at(9, month=month))
    measure_set = scorecard.active_set()
    definition = scorecard.definition_of(measure_set)
    periods = [Period.parse("quarter:2026-07"), Period.parse("year:2026-11"), NOVEMBER]
    derived = scorecard.compute_periods(measure_set, records.partnership.pk, periods, now=NOW)
    for period in periods:
        scope = Scope((records.partnership.pk,), period, now=NOW)
        for m in definition.measures:
            fresh = sources.compute(m.source, scope, m.params)
            got = derived[period.key][m.code]
            assert (got.numerator, got.denominator) == (fresh.numerator, fresh.denominator), (
                period.key,
                m.code,
            )


def test_the_next_board_date_is_the_first_configured_date_from_today() -> None:
    from datetime import date

    from django.test import override_settings

    from mace.oversight.selectors import next_board_date

    with override_settings(MACE_BOARD_DATES=["2026-10-13", "2027-01-12", "not a date", "2027-04-13"]):
        assert next_board_date(date(2026, 12, 2)) == date(2027, 1, 12)
        assert next_board_date(date(2027, 5, 1)) is None


def test_the_scrutineer_reads_every_partnerships_total_and_may_not_write_commentary(records: Records) -> None:
    from ..factories import PartnershipFactory

    other = Records(PartnershipFactory(code="westshire", name="Westshire Safeguarding Children Partnership"))
    _reviews(records, on_time=5, late=5)
    _reviews(other, on_time=0, late=10)
    scrutineer = UserFactory(roles=[Role.SCRUTINEER])
    card = scorecard.build(scrutineer, NOVEMBER, codes=["fd_reviewed_24h"])
    assert {p.code for p in card.partnerships} >= {"eastshire", "westshire"}
    assert (card.rows[0].current.figure.numerator, card.rows[0].current.figure.denominator) == (5, 20)
    with pytest.raises(PermissionError):
        services.commentary_save(
            measure_code="fd_reviewed_24h",
            period=NOVEMBER,
            partnership_id=None,
            text="x",
            version=0,
            by=scrutineer,
        )
    assert not Commentary.objects.exists()


# Partner exports (issue #14, item 6) ---------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_is_the_cards_rows_with_the_fewer_than_5_text_and_is_logged(
    client: Any, records: Records, executive: Any
) -> None:
    for _ in range(3):
        records.screening(records.child(), judgement=Level.HIGH, completed_at=at(5))
    sign_in(client, executive)
    response = client.get("/oversight/scorecard/?period=month:2026-11&format=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="scorecard-month-2026-11-')
    rows = _csv_rows(response)
    expected = export_rows(scorecard.build(executive, NOVEMBER))
    assert rows[1] == EXPORT_HEAD and rows[2:] == expected
    high = next(r for r in rows if len(r) > 1 and r[1] == "Children at risk: high")
    assert high[2].startswith("fewer than 5")
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).latest("pk")
    assert (entry.object_type, entry.detail["format"], entry.detail["rows"]) == (
        "scorecard",
        "csv",
        len(expected),
    )
    assert entry.detail["filters"]["period"] == "month:2026-11"
    sheet = load_workbook(
        io.BytesIO(client.get("/oversight/scorecard/?period=month:2026-11&format=xlsx").content)
    )["Scorecard"]
    values = [[c.value or "" for c in r] for r in sheet.iter_rows()]
    assert values[1] == EXPORT_HEAD and values[2:] == expected


def test_the_period_filter_chooses_the_exported_period(client: Any, records: Records, executive: Any) -> None:
    sign_in(client, executive)
    rows = _csv_rows(client.get("/oversight/scorecard/?period=month:2026-10&format=csv"))
    assert rows[0][0].endswith("October 2026")
    assert rows[2:] == export_rows(scorecard.build(executive, NOVEMBER.shifted(-1)))


def test_a_social_worker_gets_no_scorecard_export_and_an_unknown_format_is_not_found(
    client: Any, records: Records, executive: Any
) -> None:
    worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert sign_in(client, worker).get("/oversight/scorecard/?format=csv").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert sign_in(client, executive).get("/oversight/scorecard/?format=pdf").status_code == 404
