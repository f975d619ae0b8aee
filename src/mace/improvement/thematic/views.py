"""Thematic reports (1.1f, 5.3e): one theme's scorecard measures, audit results and children's words, as
a page and as a PDF from the same template (WeasyPrint). For the roles that see partnership figures; no
child is named (the quotations are the board pack's, with every name removed)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.core.ui import url
from mace.oversight import presenters as oversight_presenters
from mace.oversight.periods import Period, PeriodError, latest_complete

from ..views import _signed_in
from . import selectors
from .themes import THEMES


def _reader(request: HttpRequest) -> None:
    _signed_in(request)
    if not capabilities(request.user).aggregates:
        raise Http404("Not found")


def index(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(
        request,
        "improvement/thematic/index.html",
        {"title": "Thematic reports", "themes": list(THEMES.values())},
    )


def _context(request: HttpRequest, code: str, *, pdf: bool) -> dict[str, Any]:
    _reader(request)
    theme = THEMES.get(code)
    if theme is None:
        raise Http404("Not found")
    problem = None
    try:
        period = (
            Period.parse(request.GET["period"]) if request.GET.get("period") else latest_complete("quarter")
        )
    except PeriodError as exc:
        period, problem = latest_complete("quarter"), str(exc)
    found = selectors.report(request.user, theme, period)
    quarters = [latest_complete("quarter").shifted(-3 * i) for i in range(8)]
    return {
        "title": f"Thematic report: {theme.title}",
        "report": found,
        "theme": theme,
        "period": period,
        "rows": oversight_presenters.scorecard_rows(found.card.rows, found.card),
        "head": oversight_presenters.SCORECARD_HEAD,
        "pdf_href": url("improvement:thematic-pdf", theme.code) + f"?period={period.key}",
        "period_items": [{"value": q.key, "text": q.label, "selected": q == period} for q in quarters],
        "page_errors": [{"text": problem, "href": "#period"}] if problem else [],
        "pdf": pdf,
        "layout": "oversight/pack_document.html" if pdf else "base.html",
    }


def report(request: HttpRequest, code: str) -> HttpResponse:
    context = _context(request, code, pdf=False)
    return render(
        request, "improvement/thematic/report.html", context, status=400 if context["page_errors"] else 200
    )


def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from weasyprint import HTML

    from mace.oversight import pack as packs

    context = _context(request, code, pdf=True)
    if context["page_errors"]:
        raise Http404("Not found")
    context["print_css"] = packs.print_css()
    html = render_to_string("improvement/thematic/report.html", context, request=request)
    content = HTML(string=html, base_url=packs.BASE_URL, url_fetcher=packs.local_fetcher()).write_pdf()
    period = context["period"]
    audit.record(
        audit.Actor.of(request.user),
        audit.Event(
            AccessLogEntry.Action.EXPORT,
            "thematic_report",
            code,
            detail={"format": "pdf", "period": period.key},
        ),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="thematic-{code}-{period.key.replace(":", "-")}.pdf"'
    )
    return response
