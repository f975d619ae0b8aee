"""Charts for leaders, drawn with Altair and rendered to SVG offline by vl-convert (the house choice).

Every chart is an image with a text alternative and is always shown beside a table of the same figures
(the table is the accessible form; the chart is for seeing a trend at a glance). The SVG is made on the
server, so pages, PDFs and exports show the same picture with no JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any

import altair as alt
import vl_convert as vlc
from markupsafe import Markup

# GOV.UK colours: text, blue (this period), dark grey (the target).
TEXT = "#0b0c0c"
BLUE = "#1d70b8"
GREY = "#505a5f"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Point:
    label: str  # the x-axis label, e.g. "Nov 2026"
    value: float | None  # None: no data in that period (a gap in the line, never a zero)


def _config(chart: Any) -> Any:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelColor=TEXT, titleColor=TEXT, labelFontSize=12, titleFontSize=12, grid=False)
        .configure_view(stroke=None)
    )


def _svg(chart: Any, description: str) -> Markup:
    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version="5.20")
    # An image with a text alternative: the description says what the table beside it holds.
    # One image with one text alternative: the marks inside are its drawing, not separate graphics
    # (Vega gives each mark group a graphics role and a description of its own; axe asks each for text).
    head, _, body = svg.partition(">")
    body = re.sub(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", body)
    svg = head + ">" + body
    svg = re.sub(r"^<svg ", '<svg role="img" focusable="false" ', svg, count=1)
    svg = svg.replace('class="marks"', 'class="marks mace-chart"', 1)
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{escape(description)}</title>", svg, count=1)
    svg = re.sub(r'\swidth="[\d.]+"', ' width="100%"', svg, count=1)
    svg = re.sub(r'\sheight="[\d.]+"', "", svg, count=1)
    return Markup(svg)  # noqa: S704 - SVG generated here from numbers and escaped labels


@lru_cache(maxsize=2048)
def trend_chart(
    points: tuple[Point, ...],
    *,
    description: str,
    percent: bool = False,
    target: float | None = None,
    width: int = 560,
    height: int = 180,
) -> Markup:
    """A line of values over periods, with the target as a dashed line where there is one. Cached: the
    figures behind a scorecard change once a month, and drawing takes a tenth of a second."""
    data = [{"period": p.label, "order": i, "value": p.value} for i, p in enumerate(points)]
    order = [p.label for p in points]
    y_title = "Percent" if percent else "Number"
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined),
    )
    layers: list[alt.Chart] = [
        base.mark_line(color=BLUE, strokeWidth=3),
        base.mark_point(color=BLUE, filled=True, size=40),
    ]
    if target is not None:
        rule = alt.Chart(alt.Data(values=[{"target": target}])).mark_rule(color=GREY, strokeDash=[6, 4])
        layers.append(rule.encode(y="target:Q"))
    chart = alt.layer(*layers).properties(width=width, height=height)
    return _svg(_config(chart), description)


@lru_cache(maxsize=512)
def bar_chart(
    bars: tuple[tuple[str, float], ...], *, description: str, percent: bool = False, width: int = 560
) -> Markup:
    """Horizontal bars, one per category, in the order given."""
    data = [{"category": label, "value": value} for label, value in bars]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("category:N", sort=[label for label, _ in bars], title=None),
            x=alt.X("value:Q", title="Percent" if percent else "Number"),
        )
        .properties(width=width, height=max(40, 24 * len(bars)))
    )
    return _svg(_config(chart), description)
