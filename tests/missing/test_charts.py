"""The bar and column charts leave room for their labels: "113" is never drawn as "11"."""

from __future__ import annotations

import re

from django.template import engines

CHAR_W = 8  # 13px Arial is at most 8px a character for digits and most letters


def _render(macro: str, rows: list[tuple[str, int]], peak: int) -> str:
    template = engines["jinja2"].from_string(
        '{% from "missing/_macros.html" import ' + macro + " %}{{ " + macro + "(rows, peak, 'A chart') }}"
    )
    return template.render({"rows": rows, "peak": peak})


def _width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]


def test_the_longest_bar_leaves_room_for_its_three_digit_figure() -> None:
    svg = _render("bars", [("Friends", 113), ("Family", 40)], 113)
    figures = dict((t, float(x)) for x, t in re.findall(r'<text x="([\d.]+)"[^>]*>(\d+)</text>', svg))
    assert figures["113"] + 3 * CHAR_W <= _width(svg)


def test_a_long_reason_is_shown_whole_up_to_26_characters_and_clear_of_the_bars() -> None:
    reason = "Went to see friends nearby"  # 26 characters
    svg = _render("bars", [(reason, 5)], 5)
    assert f">{reason}</text>" in svg
    bar_x = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert len(reason) * CHAR_W <= bar_x


def test_the_tallest_column_keeps_its_figure_inside_the_chart() -> None:
    svg = _render("columns", [("January", 113), ("February", 2)], 113)
    y = min(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" font-size="12"', svg))
    assert y - 12 >= 0
