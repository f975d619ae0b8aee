"""The profile of children at risk (6.2b): parse the period and partnership, ask `profile`, render. Open
only to roles with partnership figures; the children behind a gap only to readers who may see names."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import presenters, profile
from .periods import Period, PeriodError, latest_complete
from .views import require_figures


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period")
    return Period.parse(text) if text else latest_complete("quarter")


def _partnership(request: HttpRequest) -> int | None:
    raw = request.GET.get("partnership") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("Not found")
    return int(raw)


def _options() -> list[Period]:
    return [
        *(latest_complete("quarter").shifted(-3 * i) for i in range(8)),
        *(latest_complete("month").shifted(-i) for i in range(24)),
        *(latest_complete("year").shifted(-i) for i in range(12)),
    ]


def _bad_period(request: HttpRequest, problem: str) -> HttpResponse:
    return render(
        request,
        "oversight/bad_period.html",
        {"title": "There is a problem with the period", "problem": problem},
        status=400,
    )


def profile_page(request: HttpRequest) -> HttpResponse:
    require_figures(request)
    try:
        period = _period(request)
    except PeriodError as exc:
        return _bad_period(request, str(exc))
    try:
        built = profile.build(request.user, period, _partnership(request))
    except LookupError:
        raise Http404("Not found") from None
    return render(
        request,
        "oversight/profile.html",
        {
            "title": f"Profile of children at risk: {period.label}",
            "profile": built,
            "periods": presenters.period_choices(period, _options()),
        },
    )


def gap_children(request: HttpRequest, code: str) -> HttpResponse:
    require_figures(request)
    try:
        period = _period(request)
    except PeriodError as exc:
        return _bad_period(request, str(exc))
    try:
        gap = profile.gap_children(request.user, period, code, _partnership(request))
    except (LookupError, PermissionError):
        raise Http404("Not found") from None
    return render(
        request,
        "oversight/profile_gap.html",
        {"title": f"{gap.title}: {period.label}", "gap": gap, "query": request.GET.urlencode()},
    )
