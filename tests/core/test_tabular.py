"""The partner-export helper: CSV with a BOM, xlsx with a bold header and dates as dates, a dated file
name, one access-log entry with the row count and filters, 404 for an unknown format, no HTML in cells."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.http import Http404
from django.test import RequestFactory
from markupsafe import Markup
from openpyxl import load_workbook

from mace.core import tabular
from mace.core.models import AccessLogEntry

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
HEAD = ["Name", "Count", "Seen on", "Seen at"]
ROWS = [
    ["Amy", 3, date(2026, 11, 2), datetime(2026, 11, 2, 9, 30, tzinfo=UTC)],
    ['=HYPERLINK("x")', 0, None, None],
]


def _request(query: str = "") -> Any:
    request = RequestFactory().get("/list/" + query)
    request.user = UserFactory()
    return request


def _download(fmt: str, rows: list[list[Any]] = ROWS, **kw: Any) -> Any:
    return tabular.download(
        _request("?kind=public"),
        name="queue",
        head=HEAD,
        rows=iter(rows),
        fmt=fmt,
        object_type="contact",
        detail={"kind": "public"},
        **kw,
    )


@time_machine.travel(NOW, tick=False)
def test_the_csv_has_a_bom_the_header_and_the_rows_as_text() -> None:
    response = _download("csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="queue-2026-11-18.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        HEAD,
        ["Amy", "3", "2026-11-02", "2026-11-02 09:30"],  # UK local time (GMT in November)
        ['\'=HYPERLINK("x")', "0", "", ""],  # never a formula
    ]


@time_machine.travel(NOW, tick=False)
def test_the_xlsx_has_a_bold_header_and_dates_as_dates() -> None:
    response = _download("xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="queue-2026-11-18.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == HEAD
    assert all(c.font.bold for c in sheet[1])
    assert values[1] == ["Amy", 3, datetime(2026, 11, 2), datetime(2026, 11, 2, 9, 30)]
    assert sheet["C2"].is_date and sheet["C2"].number_format == tabular.DATE_FORMAT
    assert values[2][0] == '=HYPERLINK("x")' and sheet["A3"].data_type == "s"


@time_machine.travel(NOW, tick=False)
def test_a_title_goes_above_the_header() -> None:
    rows = list(
        csv.reader(io.StringIO(_download("csv", title="Scorecard: October").content.decode("utf-8-sig")))
    )
    assert rows[:2] == [["Scorecard: October"], HEAD]


@time_machine.travel(NOW, tick=False)
def test_one_access_log_entry_says_the_format_the_rows_and_the_filters() -> None:
    before = AccessLogEntry.objects.count()
    _download("xlsx")
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.action == AccessLogEntry.Action.EXPORT
    assert entry.object_type == "contact"
    assert entry.detail == {"format": "xlsx", "rows": 2, "filters": {"kind": "public"}}


def test_an_unknown_format_is_not_found_and_logs_nothing() -> None:
    before = AccessLogEntry.objects.count()
    with pytest.raises(Http404):
        _download("pdf")
    assert AccessLogEntry.objects.count() == before


def test_html_is_refused_in_a_cell() -> None:
    with pytest.raises(TypeError):
        _download("csv", rows=[[Markup("<a href='/'>Amy</a>"), 1, None, None]])


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="3 cells for 4 columns"):
        _download("csv", rows=[["Amy", 1, None]])


def test_the_download_link_keeps_the_filters_and_drops_the_page() -> None:
    request = RequestFactory().get("/front-door/?kind=public&page=3&team=7")
    assert tabular.filters_query(request, "csv") == "?kind=public&team=7&format=csv"
