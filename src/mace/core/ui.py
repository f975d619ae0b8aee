"""The Jinja environment: GOV.UK Frontend macros, url reversing, UK time formatting, safe text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from jinja2.filters import do_striptags as striptags
from markupsafe import Markup, escape

LONDON = ZoneInfo("Europe/London")


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def uk_datetime(value: datetime | None, fmt: str = "%-d %b %Y %H:%M") -> str:
    """Times are stored in UTC and always shown in UK time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime(fmt)


def uk_date(value: date | datetime | None, fmt: str = "%-d %B %Y") -> str:
    if value is None:
        return "Not known"
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
    return value.strftime(fmt)


# Field and identifier names as GOV.UK writes them: sentence case, acronyms in capitals.
FIELD_LABELS = {
    "nhs": "NHS number",
    "nhs_number": "NHS number",
    "police": "Police identifier",
    "police_id": "Police identifier",
    "la_child": "Council child identifier",
    "la_child_id": "Council child identifier",
    "upn": "Unique pupil number",
    "dob": "Date of birth",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "cp_is": "CP-IS",
    "rhi": "Return home interview",
}
_ACRONYMS = {
    "nhs": "NHS",
    "upn": "UPN",
    "ed": "ED",
    "rhi": "RHI",
    "cp": "CP",
    "is": "IS",
    "id": "ID",
    "pnc": "PNC",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def field_label(key: str) -> str:
    """`nhs_number` → "NHS number", `reporter_role` → "Reporter role": never a raw key on a page."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    words = [_ACRONYMS.get(w, w) for w in str(key).replace("_", " ").split()]
    if not words:
        return ""
    first = words[0] if words[0].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def field_value(value: Any, empty: str = "Not known") -> str:
    """A stored value as text a person reads: dates as "14 December 2014", never "None" or "True"."""
    if value is None or value == "" or value == [] or value == {}:
        return empty
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return uk_datetime(value)
    if isinstance(value, date):
        return uk_date(value)
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return uk_date(date.fromisoformat(value))
            except ValueError:
                return value
        if _ISO_DATETIME.match(value):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return value
            return uk_datetime(parsed) if parsed.tzinfo else parsed.strftime("%-d %b %Y %H:%M")
        return value
    if isinstance(value, list | tuple):
        return ", ".join(field_value(v) for v in value)
    if isinstance(value, dict) and ("given_names" in value or "family_name" in value):
        return " ".join(str(value.get(k) or "") for k in ("given_names", "family_name")).strip() or empty
    return str(value)


def identifier_list(identifiers: dict[str, Any] | None, empty: str = "Not recorded") -> str:
    """{"nhs_number": "9994589123"} → "NHS number 999 458 9123"."""
    parts = []
    for key, value in (identifiers or {}).items():
        if not value:
            continue
        text = str(value)
        if key in ("nhs", "nhs_number") and len(text) == 10 and text.isdigit():
            text = f"{text[:3]} {text[3:6]} {text[6:]}"
        parts.append(f"{field_label(key)} {text}")
    return ", ".join(parts) or empty


def _label_text(item: dict[str, Any]) -> str:
    return str(striptags(item.get("html") or "") or item.get("text") or "").strip()


def responsive_table(params: dict[str, Any]) -> dict[str, Any]:
    """GOV.UK table parameters whose cells carry their column's heading as `data-label`, so that on a
    narrow screen mace.css stacks each row as a list of "heading: value" lines instead of making the
    page scroll sideways. Tables of one or two columns fit and are left as they are."""
    head = list(params.get("head") or [])
    labels: list[str] = []
    for item in head:
        labels.extend([_label_text(item)] * int(item.get("colspan") or 1))
    if len(labels) <= 2:
        return params
    rows = []
    for row in params.get("rows") or []:
        cells, column = [], 0
        for cell in row or []:
            label = labels[column] if column < len(labels) else ""
            column += int(cell.get("colspan") or 1)
            if label:
                cell = {**cell, "attributes": {"data-label": label, **(cell.get("attributes") or {})}}
            cells.append(cell)
        rows.append(cells)
    classes = " ".join(c for c in (params.get("classes"), "mace-table--stack") if c)
    return {**params, "rows": rows, "classes": classes}


def link(href: str, text: str, hidden_suffix: str = "") -> Markup:
    """A GOV.UK link with escaped text, for table cells; `hidden_suffix` adds context for screen readers."""
    suffix = (
        Markup('<span class="govuk-visually-hidden"> {}</span>').format(hidden_suffix)
        if hidden_suffix
        else ""
    )
    return Markup('<a class="govuk-link" href="{}">{}{}</a>').format(href, text, suffix)


def nl2br(value: str | None) -> Markup:
    """Free text keeps its line breaks and is always escaped first."""
    if not value:
        return Markup("")
    return Markup("<br>").join(escape(value).split("\n"))


def time_left(due: datetime | None) -> str:
    """'3 hours 20 minutes left' or 'overdue by 1 day 2 hours', from the one clock service."""
    from django.utils import timezone

    from mace.core import clocks

    if due is None:
        return ""
    return clocks.format_time_left(clocks.time_left(due, timezone.now()))


def _capability(user: Any, name: str) -> bool:
    """Templates ask the access policy table directly (no permission tables to query)."""
    from mace.core.access import capabilities

    return bool(getattr(capabilities(user), name))


def thousands(value: Any) -> str:
    """1234 → "1,234"."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def figure(value: Any, suppress: bool = False) -> str:
    """A count or rate as a reader may see it: with `suppress` (a reader who may not see names), 1 to 4
    reads "fewer than 5" (`mace.core.disclosure`)."""
    from mace.core.disclosure import figure as shown

    return shown(value, suppress=bool(suppress))


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)  # noqa: S701 - autoescape is set by the Django backend options
    env.globals.update(
        {
            "url": url,
            "static": static,
            "demo_mode": lambda: settings.DEMO_MODE,
            "field_error": field_error,
            "get_messages": get_messages,
            "link": link,
            "time_left": time_left,
            "error_list": error_list,
            "perm": _capability,
            "responsive_table": responsive_table,
        }
    )
    env.filters.update(
        {
            "uk_datetime": uk_datetime,
            "uk_date": uk_date,
            "nl2br": nl2br,
            "thousands": thousands,
            "figure": figure,
            "field_label": field_label,
            "field_value": field_value,
            "identifier_list": identifier_list,
        }
    )
    return env


PAGE_SIZE = 50


@dataclass(frozen=True)
class Pager:
    """One page of a list paged on the server. Its links keep every other query parameter (the
    filters and the sort), so "Next" shows the next page of the same list."""

    number: int
    pages: int
    total: int
    size: int
    query: tuple[tuple[str, str], ...] = ()
    param: str = "page"  # a page holding two lists pages each with its own parameter

    @property
    def start(self) -> int:
        """The slice start for the rows of this page."""
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return self.number * self.size

    @property
    def showing(self) -> str:
        """ "Showing 51 to 100 of 344" (empty when everything fits on one page)."""
        if self.pages <= 1:
            return ""
        last = min(self.end, self.total)
        return f"Showing {self.start + 1:,} to {last:,} of {self.total:,}"

    def href(self, number: int) -> str:
        return "?" + urlencode([*self.query, (self.param, str(number))])

    def numbers(self) -> list[int | None]:
        """First, last, the current page and its neighbours; None (an ellipsis) where pages are left
        out. A gap of a single page shows that page: an ellipsis would hide nothing."""
        keep = sorted(n for n in {1, self.pages, self.number - 1, self.number, self.number + 1} if n >= 1)
        shown: list[int | None] = []
        last = 0
        for n in (k for k in keep if k <= self.pages):
            if n - last == 2:
                shown.append(last + 1)
            elif n - last > 2:
                shown.append(None)
            shown.append(n)
            last = n
        return shown

    @property
    def govuk(self) -> dict[str, Any] | None:
        """The parameters of the GOV.UK pagination component (with ellipses), or None for one page."""
        if self.pages <= 1:
            return None
        items: list[dict[str, Any]] = [
            {"ellipsis": True}
            if n is None
            else {"number": n, "href": self.href(n), "current": n == self.number}
            for n in self.numbers()
        ]
        return {
            "items": items,
            "previous": {"href": self.href(self.number - 1)} if self.number > 1 else None,
            "next": {"href": self.href(self.number + 1)} if self.number < self.pages else None,
        }


def pager(request: Any, total: int, size: int | None = None, *, param: str = "page") -> Pager:
    """The page asked for in `?page=` (clamped to the pages there are) of a list of `total` rows,
    `size` rows a page (PAGE_SIZE unless the list says otherwise). Links keep every other parameter."""
    size = size or PAGE_SIZE
    raw = str(request.GET.get(param, "1"))
    pages = max(1, (total + size - 1) // size)
    number = min(max(1, int(raw)), pages) if raw.isdigit() and len(raw) < 10 else 1
    query = tuple((k, v) for k, values in request.GET.lists() if k != param for v in values)
    return Pager(number=number, pages=pages, total=total, size=size, query=query, param=param)


def field_error(form: Any, name: str) -> dict[str, str] | None:
    """The GOV.UK errorMessage parameter for a field of a Django form, or None."""
    if form is None or not form.is_bound or name not in form.errors:
        return None
    return {"text": " ".join(str(e) for e in form.errors[name])}


def error_list(form: Any) -> list[dict[str, str]]:
    """The GOV.UK error summary list: every problem at once, each linking to its field."""
    if form is None or not form.is_bound:
        return []
    items = []
    for name, errors in form.errors.items():
        anchor = f"#id_{name}" if name != "__all__" else "#main-content"
        for error in errors:
            items.append({"text": str(error), "href": anchor})
    return items


def not_found(request: Any, thing: str = "") -> Any:
    """The one "not available" page (404) for a record the reader may not open or that does not exist:
    the same answer for both, so a 404 tells nothing."""
    from django.shortcuts import render

    title = f"{thing[:1].upper()}{thing[1:]} not available" if thing else "Not available"
    return render(request, "core/not_found.html", {"title": title, "thing": thing}, status=404)


def require(request: Any, capability: str) -> None:
    """A page for roles with this capability only; others are told it does not exist (a 404)."""
    from django.http import Http404

    from mace.core.access import capabilities

    if not getattr(capabilities(request.user), capability):
        raise Http404("Not found")


def problems_text(exc: Any) -> str:
    """A service's ValidationError as one sentence for a message banner (for forms without fields)."""
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


def apply_errors(form: Any, exc: Any, rename: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError onto the form: field problems on fields, problems with a
    composite input (a service key renamed to the input's `<prefix>_day`) on that input, the rest at
    the top."""
    from mace.core.forms import error

    rename = rename or {}
    for name, problems in exc.message_dict.items():
        key = rename.get(name, name)
        for problem in problems:
            if key in form.fields:
                form.add_error(key, problem)
            elif key in rename.values():
                error(form, key, problem)
            else:
                form.add_error(None, problem)
