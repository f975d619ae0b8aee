"""Partner exports (issue #14, item 6): a list page's rows as a CSV or an xlsx download, logged.

A page builds its rows once, from the same selector call it renders, and hands them here with its
header. `download` writes them as CSV (UTF-8 with a byte order mark, so Excel opens it) or xlsx
(openpyxl in write-only mode, a bold header row, dates as dates), as an attachment with a dated file
name, and writes one access-log entry (an export, with the format, the row count and the page's filters)
in the same transaction. An unknown format answers 404.

Cells are plain text, numbers and dates. HTML (a `Markup`) is refused, so a page's links and tags never
leak into a file. Text that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`) is kept as
text: prefixed with an apostrophe in the CSV, stored as a string cell in the xlsx.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from markupsafe import Markup

from . import audit
from .models import AccessLogEntry

CSV = "csv"
XLSX = "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_WIDTH = 60


def requested(request: HttpRequest) -> str | None:
    """The format a page was asked for (`?format=`), or None for the page itself."""
    return request.GET.get("format") or None


def filters_query(request: HttpRequest, fmt: str) -> str:
    """The page's own query string (its filters), with `format` set and any `page` dropped: a download
    carries every row the filters select, not one page of them."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = fmt
    return "?" + query.urlencode()


def cell(value: Any) -> str | int | float | Decimal | date | datetime:
    """A value as a file may hold it: text, a number or a date (a datetime in UK local time, naive)."""
    if isinstance(value, Markup):
        raise TypeError("An export cell must be plain text, not HTML.")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date | int | float | Decimal):
        return value
    return str(value)


def count(value: int | None, *, suppress: bool) -> int | str:
    """A count as a number, or as the page words it for a reader who may not see names: 1 to 4 reads
    "fewer than 5" (`mace.core.disclosure`), exactly as on the page."""
    from .disclosure import SUPPRESSED, small

    if value is None:
        return "No data"
    return SUPPRESSED if small(value, suppress=suppress) else value


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(head: list[str], rows: list[list[Any]], title: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([title])
    writer.writerow(head)
    writer.writerows([_csv_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value))


def _xlsx(head: list[str], rows: list[list[Any]], title: str, sheet_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31] or "Export")
    for i in range(len(head)):
        seen = [_width(head[i]), *(_width(r[i]) for r in rows[:500] if i < len(r))]
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(MAX_WIDTH, max(seen) + 2)
    first_data_row = 2
    if title:
        top = WriteOnlyCell(sheet, value=title)
        top.font = Font(bold=True, size=14)
        sheet.append([top])
        first_data_row = 3
    sheet.freeze_panes = f"A{first_data_row}"
    header = []
    for text in head:
        c = WriteOnlyCell(sheet, value=text)
        c.font = Font(bold=True)
        header.append(c)
    sheet.append(header)
    for row in rows:
        out = []
        for value in row:
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, datetime):
                c.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                c.number_format = DATE_FORMAT
            out.append(c)
        sheet.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(
    request: HttpRequest,
    *,
    name: str,
    head: list[str],
    rows: Iterable[list[Any]],
    fmt: str,
    object_type: str,
    detail: Mapping[str, Any],
    title: str = "",
    sheet: str = "",
) -> HttpResponse:
    """The rows as a `fmt` ("csv" or "xlsx") attachment named `name-YYYY-MM-DD.fmt`, and one access-log
    entry (`export` of `object_type`, with the format, the row count and the filters in `detail`).
    `title`, if given, is a line above the header; `sheet` names the xlsx's one sheet (else `name`)."""
    if fmt not in FORMATS:
        raise Http404("Not found")
    table = [[cell(v) for v in row] for row in rows]
    for row in table:
        if len(row) != len(head):
            raise ValueError(f"An export row has {len(row)} cells for {len(head)} columns.")
    body = _csv(head, table, title) if fmt == CSV else _xlsx(head, table, title, sheet or name)
    with transaction.atomic():
        audit.record(
            audit.Actor.of(request.user),
            audit.Event(
                AccessLogEntry.Action.EXPORT,
                object_type,
                "",
                detail={"format": fmt, "rows": len(table), "filters": dict(detail)},
            ),
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
