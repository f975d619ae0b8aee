"""The scorecard as GOV.UK components: table rows, tags and chart data, built here where they are
unit-tested, so that templates only print them."""

from __future__ import annotations

from typing import Any

from mace.core.ui import link, url

from . import charts
from .measures import Rag
from .periods import Period
from .scorecard import Row, Scorecard

RAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--yellow", "green": "govuk-tag--green"}
DIRECTION_CLASSES = {"Improving": "govuk-tag--green", "Worse": "govuk-tag--red"}


def rag_tag(rag: Rag) -> dict[str, Any]:
    """A govukTag: the colour in words (never colour alone), the rule beside it in the table."""
    return {"text": rag.label, "classes": RAG_CLASSES.get(rag.colour, "govuk-tag--grey")}


def direction_tag(direction: str) -> dict[str, Any]:
    return {"text": direction, "classes": DIRECTION_CLASSES.get(direction, "govuk-tag--grey")}


def query(period: Period, partnership_id: int | None) -> str:
    q = f"?period={period.key}"
    return q + (f"&partnership={partnership_id}" if partnership_id else "")


def measure_href(row: Row, card: Scorecard) -> str:
    pid = card.partnership.pk if card.partnership else None
    return url("oversight:measure", row.measure.code) + query(card.period, pid)


def scorecard_rows(rows: list[Row], card: Scorecard) -> list[list[dict[str, Any]]]:
    """One table row per measure: the measure (a link to its page), this period, the previous period,
    a year ago, the target and rule, red/amber/green, and the direction of travel."""
    out: list[list[dict[str, Any]]] = []
    for r in rows:
        title = link(measure_href(r, card), r.measure.title)
        this = r.current.text + (f" ({r.per_10000})" if r.per_10000 else "")
        out.append(
            [
                {"html": title},
                {"text": this},
                {"text": r.previous.text},
                {"text": r.year_ago.text},
                {"text": r.rag.rule},
                {"html": tag_html(rag_tag(r.rag))},
                {"html": tag_html(direction_tag(r.direction))},
            ]
        )
    return out


SCORECARD_HEAD = [
    {"text": "Measure"},
    {"text": "This period"},
    {"text": "Previous period"},
    {"text": "A year ago"},
    {"text": "Target and rule"},
    {"text": "Red, amber, green"},
    {"text": "Direction of travel"},
]


def tag_html(tag: dict[str, Any]) -> str:
    from html import escape

    return f'<strong class="govuk-tag {tag["classes"]}">{escape(tag["text"])}</strong>'


def trend_points(row: Row) -> tuple[charts.Point, ...]:
    return tuple(
        charts.Point(p.label if p.kind != "month" else f"{p.start:%b %Y}", c.value) for p, c in row.trend
    )


def trend_svg(row: Row) -> Any:
    m = row.measure
    return charts.trend_chart(
        trend_points(row),
        description=f"{m.title}: the last {len(row.trend)} periods. The table beside the chart gives each.",
        percent=m.percent,
        target=m.target,
    )


def trend_rows(row: Row) -> list[list[dict[str, Any]]]:
    return [[{"text": p.label}, {"text": c.text}] for p, c in row.trend]


def period_choices(current: Period, options: list[Period]) -> list[dict[str, Any]]:
    return [{"value": p.key, "text": p.label, "selected": p == current} for p in options]
