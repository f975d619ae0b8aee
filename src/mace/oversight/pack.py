"""The board pack (1.2d, 6.1): one function makes the pack for the partnership board, the quarterly
multi-agency meeting and the biannual pan-area meeting, as a GOV.UK page and as a PDF from the same HTML.

A pack is a list of sections. Each module that has something to say registers a section:

    register_section("scorecard", "The exploitation scorecard", 20, "oversight/_scorecard.html", build)

where `build(user, period, partnership_ids) -> dict | None` returns the context for the section's partial
template (None: the section is left out, with a sentence saying why). A builder's context may carry
`headlines` and `decisions` lists: the summary section at the front of the pack collects them.

The PDF is made by WeasyPrint from the page's own template (`oversight/pack.html`, laid out by
`oversight/pack_document.html` instead of `base.html`) with a print stylesheet: so page and pack never
disagree. WeasyPrint fetches nothing from the network: only data: URLs and static files on disk.
"""

from __future__ import annotations

import importlib
import mimetypes
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from markupsafe import Markup

from mace.accounts.models import Partnership
from mace.core.access import capabilities

from .periods import Period

KINDS = {
    "board": "Partnership board",
    "quarterly": "Quarterly multi-agency meeting",
    "pan_area": "Biannual pan-area meeting",
}
# Modules whose import registers their sections. A module adds itself here (the scorecard, exception
# reports, profile and impact register theirs the same way).
SECTION_MODULES = [
    "mace.oversight.pack_sections",
    "mace.oversight.pack_scorecard",
    "mace.improvement.pack_section",
    "mace.improvement.training.pack_section",
]
# The base URL the pack's HTML is rendered against: never fetched, only recognised by `url_fetcher`.
BASE_URL = "https://pack.mace.invalid/"

Builder = Callable[..., dict[str, Any] | None]


class PackRefused(Exception):
    """This reader may not have a pack: the view answers 404, the command exits."""


class SectionOmitted(Exception):
    """A builder raises this to leave its section out with a reason fit to print."""


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    order: int
    template: str
    builder: Builder
    kinds: tuple[str, ...] = tuple(KINDS)
    omitted: str = "There is nothing to report for this period."
    collects: bool = False  # called last, with the other sections: the summary


SECTIONS: dict[str, SectionSpec] = {}


def register_section(
    code: str,
    title: str,
    order: int,
    template: str,
    builder: Builder,
    *,
    kinds: tuple[str, ...] = tuple(KINDS),
    omitted: str = "There is nothing to report for this period.",
    collects: bool = False,
) -> SectionSpec:
    """Add (or replace) a section of the pack. `order` places it; `kinds` says which packs carry it."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown pack kind: {', '.join(sorted(unknown))}")
    spec = SectionSpec(code, title, order, template, builder, tuple(kinds), omitted, collects)
    SECTIONS[code] = spec
    return spec


@contextmanager
def sections_as_registered() -> Iterator[dict[str, SectionSpec]]:
    """For tests: sections registered inside the block are gone after it."""
    load_sections()
    saved = dict(SECTIONS)
    try:
        yield SECTIONS
    finally:
        SECTIONS.clear()
        SECTIONS.update(saved)


def load_sections() -> None:
    for module in SECTION_MODULES:
        importlib.import_module(module)


@dataclass
class Section:
    code: str
    title: str
    template: str
    context: dict[str, Any] | None
    omitted: str = ""
    html: Markup = field(default_factory=Markup)

    @property
    def anchor(self) -> str:
        return f"section-{self.code}"

    @property
    def headlines(self) -> list[str]:
        return list((self.context or {}).get("headlines", []))

    @property
    def decisions(self) -> list[str]:
        return list((self.context or {}).get("decisions", []))


@dataclass
class Pack:
    kind: str
    period: Period
    partnerships: list[str]
    partnership_ids: list[int]
    sections: list[Section]
    made_at: datetime
    seconds: float = 0.0

    @property
    def title(self) -> str:
        return f"{KINDS[self.kind]} pack: {self.period.label}"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


# Which partnerships and which period ------------------------------------------------------------


def figure_partnership_ids(user: Any) -> list[int]:
    """Every partnership whose figures this reader may see, as the scorecard decides it (their agency's
    partnerships: a police force or a health trust serves several)."""
    from .scorecard import figure_partnerships

    return figure_partnerships(user)


def pack_partnership_ids(user: Any, kind: str) -> list[int]:
    """The board and quarterly packs cover the reader's own partnership (their team's, where it is one
    they see figures for; otherwise all of theirs); the pan-area pack covers every partnership they see."""
    ids = figure_partnership_ids(user)
    if kind == "pan_area":
        return ids
    team = getattr(user, "team", None)
    own = getattr(team, "partnership_id", None)
    return [own] if own in ids else ids


def pack_period(period: Period, kind: str) -> Period:
    """The pan-area meeting sits every six months and reads the twelve months to its last month (so each
    pack overlaps the last by half, and each area's small counts are less often under 5); the board and
    the quarterly meeting read the period given (a quarter by default)."""
    if kind == "pan_area" and period.kind != "year":
        return Period.ending("year", period.last_month)
    return period


# Building -----------------------------------------------------------------------------------------


def build_pack(
    user: Any,
    period: Period,
    *,
    kind: str = "board",
    on_section: Callable[[str], None] | None = None,
) -> Pack:
    """Run every registered section's builder for this pack, in order, and render its partial."""
    if not capabilities(user).aggregates:
        raise PackRefused("Only roles that see partnership figures may make a pack.")
    if kind not in KINDS:
        raise ValueError(f"The pack must be one of: {', '.join(KINDS)}")
    started = time.monotonic()
    load_sections()
    period = pack_period(period, kind)
    ids = pack_partnership_ids(user, kind)
    specs = sorted((s for s in SECTIONS.values() if kind in s.kinds), key=lambda s: (s.order, s.code))
    built: dict[str, Section] = {}
    # The collecting sections (the summary) run after the others, whose headlines they gather.
    for spec in sorted(specs, key=lambda s: s.collects):
        context: dict[str, Any] | None
        reason = spec.omitted
        try:
            if spec.collects:
                others = [built[s.code] for s in specs if s.code in built]
                context = spec.builder(user, period, ids, sections=others)
            else:
                context = spec.builder(user, period, ids)
        except SectionOmitted as omitted:
            context, reason = None, str(omitted)
        section = Section(
            spec.code, spec.title, spec.template, context, "" if context is not None else reason
        )
        if context is not None:
            section.html = Markup(  # noqa: S704 - a Jinja template rendered with autoescape
                render_to_string(
                    spec.template, {**context, "user": user, "period": period, "pack_kind": kind}
                )
            )
        built[spec.code] = section
        if on_section:
            on_section(spec.title)
    names = dict(Partnership.objects.filter(pk__in=ids).values_list("pk", "name"))
    return Pack(
        kind=kind,
        period=period,
        partnerships=[names[i] for i in ids if i in names],
        partnership_ids=ids,
        sections=[built[s.code] for s in specs],
        made_at=timezone.now(),
        seconds=time.monotonic() - started,
    )


def section_count(kind: str = "board") -> int:
    load_sections()
    return sum(kind in s.kinds for s in SECTIONS.values())


# Rendering ----------------------------------------------------------------------------------------


def render_html(pack: Pack, *, pdf: bool, request: Any = None, extra: dict[str, Any] | None = None) -> str:
    """The page and the PDF are one template: only the layout it extends differs."""
    context = {
        "title": pack.title,
        "pack": pack,
        "pdf": pdf,
        "layout": "oversight/pack_document.html" if pdf else "base.html",
        "print_css": print_css() if pdf else "",
        **(extra or {}),
    }
    return render_to_string("oversight/pack.html", context, request=request)


@lru_cache(maxsize=1)
def print_css() -> Markup:
    """The print stylesheet, inlined in the PDF's HTML (read once from the static files on disk)."""
    found = finders.find("css/pack-print.css")
    with open(str(found), encoding="utf-8") as handle:
        return Markup(handle.read())  # noqa: S704 - our own stylesheet


class FetchRefused(ValueError):
    pass


def local_fetcher() -> Any:
    """WeasyPrint's fetcher for the pack: data: URLs and the service's own static files, read from disk.
    Nothing else, and never the network: a pack must not depend on (or leak to) another server."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            found = static_file(url)
            if found is None:
                raise FetchRefused(f"The pack fetches no resource from {url!r}")
            with open(found, "rb") as handle:
                body = handle.read()
            mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return LocalFetcher(allowed_protocols=("data",), allow_redirects=False)


def static_file(url: str) -> str | None:
    """The file on disk behind one of the service's static URLs (against BASE_URL), or None."""
    parts, base = urlsplit(url), urlsplit(BASE_URL)
    static = settings.STATIC_URL
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static):
        return None
    relative = unquote(parts.path[len(static) :])
    if ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    return found if isinstance(found, str) else None


@dataclass
class PdfResult:
    content: bytes
    pages: int


def render_pdf(pack: Pack) -> PdfResult:
    from weasyprint import HTML

    html = render_html(pack, pdf=True)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=local_fetcher()).render()
    return PdfResult(content=document.write_pdf(), pages=len(document.pages))


def filename(pack: Pack) -> str:
    return f"mace-{pack.kind.replace('_', '-')}-pack-{pack.period.key.replace(':', '-')}.pdf"


def pack_links(user: Any) -> list[dict[str, str]]:
    """The links the oversight landing page shows for the packs: none for a reader without figures."""
    if not capabilities(user).aggregates:
        return []
    from django.urls import reverse

    from .periods import latest_complete

    page = reverse("oversight:pack")
    period = latest_complete("quarter")
    return [
        {
            "text": "Download the board pack (PDF)",
            "href": f"{page}?period={period.key}&kind=board&format=pdf",
        },
        {"text": "Board and meeting packs", "href": page},
    ]
