"""The board pack page and its PDF: parse the request, build the pack, render it (page or PDF from the
same template). Open only to roles with partnership figures."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from mace.core.access import capabilities

from . import pack as packs
from .periods import Period, PeriodError, latest_complete

PERIOD_CHOICES = 8  # the quarters offered on the page


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    text = request.GET.get("period", "")
    if not text:
        return latest_complete("quarter"), None
    try:
        return Period.parse(text), None
    except PeriodError as problem:
        return latest_complete("quarter"), str(problem)


def board_pack(request: HttpRequest) -> HttpResponse:
    if not capabilities(request.user).aggregates:
        raise Http404("Not found")
    kind = request.GET.get("kind", "board")
    if kind not in packs.KINDS:
        kind = "board"
    period, problem = _period(request)
    pack = packs.build_pack(request.user, period, kind=kind)
    if request.GET.get("format") == "pdf" and problem is None:
        made = packs.render_pdf(pack)
        response = HttpResponse(made.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{packs.filename(pack)}"'
        return response
    latest = latest_complete("quarter")
    chosen = period if period.kind == "quarter" else Period.ending("quarter", period.last_month)
    quarters = [latest.shifted(-3 * i) for i in range(PERIOD_CHOICES)]
    context = {
        "title": pack.title,
        "pdf_href": f"?period={period.key}&kind={kind}&format=pdf",
        "kind_items": [
            {"value": code, "text": label, "checked": code == kind} for code, label in packs.KINDS.items()
        ],
        "period_items": [{"value": q.key, "text": q.label, "selected": q == chosen} for q in quarters],
        "page_errors": [{"text": problem, "href": "#period"}] if problem else [],
        "today": timezone.localdate(),
    }
    return HttpResponse(packs.render_html(pack, pdf=False, request=request, extra=context))
