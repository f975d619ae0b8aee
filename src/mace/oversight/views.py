"""Pages for leaders: parse the request, ask the scorecard and selectors, render. Every page here is open
only to roles with partnership figures (`aggregates`), and shows counts through `disclosure`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mace.accounts.actors import signed_in
from mace.core import tabular
from mace.core.access import capabilities
from mace.core.conflict import Conflict

from . import disclosure, presenters, scorecard, selectors, services
from .periods import Period, PeriodError, latest_complete

EXPORT_HEAD = [
    "Group",
    "Measure",
    "This period",
    "Previous period",
    "A year ago",
    "Target and rule",
    "RAG",
    "Direction",
]


def require_figures(request: HttpRequest) -> None:
    if not capabilities(request.user).aggregates:
        raise Http404("Not found")


def _period(request: HttpRequest) -> Period:
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        return latest_complete("month")
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise _BadPeriod(str(exc)) from None


class _BadPeriod(Exception):
    pass


def _partnership(request: HttpRequest) -> int | None:
    raw = request.GET.get("partnership") or request.POST.get("partnership") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("Not found")
    return int(raw)


def _card(request: HttpRequest, **kw: Any) -> scorecard.Scorecard:
    try:
        return scorecard.build(request.user, _period(request), _partnership(request), **kw)
    except LookupError:
        raise Http404("Not found") from None


def _period_options() -> list[Period]:
    return [
        *(latest_complete("month").shifted(-i) for i in range(24)),
        *(latest_complete("quarter").shifted(-3 * i) for i in range(8)),
        *(latest_complete("year").shifted(-i) for i in range(12)),
    ]


def _bad_period(request: HttpRequest, exc: _BadPeriod) -> HttpResponse:
    return render(
        request,
        "oversight/bad_period.html",
        {"title": "There is a problem with the period", "problem": str(exc)},
        status=400,
    )


def landing(request: HttpRequest) -> HttpResponse:
    """What is red, what changed this month, the children at highest risk and not improving, and the next
    board date."""
    require_figures(request)
    card = scorecard.build(request.user, latest_complete("month"), None)
    return render(
        request,
        "oversight/landing.html",
        {
            "title": "Oversight",
            "card": card,
            "changed": selectors.changed(card),
            "highest": selectors.highest_risk_not_improving(request.user, card),
            "next_board": selectors.next_board_date(timezone.localdate()),
            "red_rows": presenters.scorecard_rows(card.red, card),
            "head": presenters.SCORECARD_HEAD,
            "query": presenters.query(card.period, None),
            "extra_links": selectors.landing_links(request.user),
        },
    )


def scorecard_page(request: HttpRequest) -> HttpResponse:
    require_figures(request)
    try:
        card = _card(request)
    except _BadPeriod as exc:
        return _bad_period(request, exc)
    if fmt := tabular.requested(request):
        return _download(request, card, fmt)
    pid = card.partnership.pk if card.partnership else None
    return render(
        request,
        "oversight/scorecard.html",
        {
            "title": f"Exploitation scorecard: {card.period.label}",
            "card": card,
            "groups": [(g, presenters.scorecard_rows(rows, card)) for g, rows in card.groups],
            "head": presenters.SCORECARD_HEAD,
            "periods": presenters.period_choices(card.period, _period_options()),
            "query": presenters.query(card.period, pid),
            "names": disclosure.names_allowed(request.user),
        },
    )


def measure(request: HttpRequest, code: str) -> HttpResponse:
    """One measure: its definition, its trend with the data table, and, when red, its exception report:
    what changed, the children behind it (to the depth the reader may see) and the owner's commentary."""
    require_figures(request)
    try:
        card = _card(request, codes=[code])
    except _BadPeriod as exc:
        return _bad_period(request, exc)
    if not card.rows:
        raise Http404("Not found")
    row = card.rows[0]
    pid = card.partnership.pk if card.partnership else None
    behind = selectors.children_behind(
        request.user, row.measure, card.period, [p.pk for p in card.partnerships]
    )
    return render(
        request,
        "oversight/measure.html",
        {
            "title": row.measure.title,
            "card": card,
            "row": row,
            "chart": presenters.trend_svg(row),
            "trend_rows": presenters.trend_rows(row),
            "rag": presenters.rag_tag(row.rag),
            "direction": presenters.direction_tag(row.direction),
            "behind": behind,
            "query": presenters.query(card.period, pid),
            "can_comment": row.red and capabilities(request.user).write_commentary,
            "changes": selectors.what_changed(row),
        },
    )


def commentary(request: HttpRequest, code: str) -> HttpResponse:
    require_figures(request)
    if request.method != "POST":
        raise Http404("Not found")
    try:
        period = _period(request)
    except _BadPeriod as exc:
        return _bad_period(request, exc)
    pid = _partnership(request)
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else None
    back = presenters.query(period, pid)
    try:
        services.commentary_save(
            measure_code=code,
            period=period,
            partnership_id=pid,
            text=request.POST.get("text", ""),
            actions=request.POST.get("actions", ""),
            version=version,
            by=signed_in(request),
        )
    except PermissionError:
        raise Http404("Not found") from None
    except LookupError:
        raise Http404("Not found") from None
    except Conflict as exc:
        return render(
            request,
            "core/conflict.html",
            {
                "title": "Someone else changed this record",
                "record": exc.record,
                "saved": {"Commentary": exc.record.text, "What is being done": exc.record.actions},
                "attempted": {
                    "Commentary": exc.attempted["text"],
                    "What is being done": exc.attempted["actions"],
                },
                "back": f"/oversight/measures/{code}/{back}",
            },
            status=409,
        )
    except ValidationError as exc:
        card = _card(request, codes=[code])
        if not card.rows:
            raise Http404("Not found") from None
        row = card.rows[0]
        return render(
            request,
            "oversight/measure.html",
            {
                "title": row.measure.title,
                "card": card,
                "row": row,
                "chart": presenters.trend_svg(row),
                "trend_rows": presenters.trend_rows(row),
                "rag": presenters.rag_tag(row.rag),
                "direction": presenters.direction_tag(row.direction),
                "behind": selectors.children_behind(
                    request.user, row.measure, card.period, [p.pk for p in card.partnerships]
                ),
                "query": back,
                "can_comment": row.red and capabilities(request.user).write_commentary,
                "changes": selectors.what_changed(row),
                "page_errors": [
                    {"text": m, "href": "#commentary-text"} for ms in exc.message_dict.values() for m in ms
                ],
                "typed": {"text": request.POST.get("text", ""), "actions": request.POST.get("actions", "")},
            },
            status=400,
        )
    messages.success(request, "Commentary saved with the period")
    return redirect(f"/oversight/measures/{code}/{back}")


def exceptions(request: HttpRequest) -> HttpResponse:
    """The exception report: every red measure with the 12 periods behind it and its commentary."""
    require_figures(request)
    try:
        card = _card(request)
    except _BadPeriod as exc:
        return _bad_period(request, exc)
    return render(
        request,
        "oversight/exceptions.html",
        {
            "title": f"Exception report: {card.period.label}",
            "card": card,
            "reports": [
                {
                    "row": r,
                    "chart": presenters.trend_svg(r),
                    "trend_rows": presenters.trend_rows(r),
                    "changes": selectors.what_changed(r),
                    "href": presenters.measure_href(r, card),
                }
                for r in card.red
            ],
        },
    )


# Downloads ---------------------------------------------------------------------------------------------


def export_rows(card: scorecard.Scorecard) -> list[list[str]]:
    rows = []
    for group, group_rows in card.groups:
        for r in group_rows:
            this = r.current.text + (f" ({r.per_10000})" if r.per_10000 else "")
            rows.append(
                [
                    group.title,
                    r.measure.title,
                    this,
                    r.previous.text,
                    r.year_ago.text,
                    r.rag.rule,
                    r.rag.label,
                    r.direction,
                ]
            )
    return rows


def _download(request: HttpRequest, card: scorecard.Scorecard, fmt: str) -> HttpResponse:
    pid = card.partnership.pk if card.partnership else None
    return tabular.download(
        request,
        name=f"scorecard-{card.period.key.replace(':', '-')}",
        head=EXPORT_HEAD,
        rows=export_rows(card),
        fmt=fmt,
        object_type="scorecard",
        detail={"period": card.period.key, "partnership": pid},
        title=f"{card.definition.title}: {card.period.label}",
        sheet="Scorecard",
    )


def impact_page(request: HttpRequest) -> HttpResponse:
    """Of the children whose plan started 3, 6 and 12 months before the period's end: how many are safer."""
    require_figures(request)
    try:
        card = _card(request, codes=[])
    except _BadPeriod as exc:
        return _bad_period(request, exc)
    return render(
        request,
        "oversight/impact.html",
        {
            "title": f"Impact: are children safer? {card.period.label}",
            "card": card,
            **selectors.impact_context(request.user, card),
            "periods": presenters.period_choices(card.period, _period_options()),
        },
    )
