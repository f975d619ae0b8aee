"""The scorecard, the exception reports, impact and the profile in the board pack: the same builders,
tables and charts as the pages, so page and pack never disagree."""

from __future__ import annotations

from typing import Any

from . import presenters, scorecard, selectors
from .pack import SectionOmitted, register_section
from .periods import Period


def _card(user: Any, period: Period, partnership_ids: list[int]) -> scorecard.Scorecard:
    if not partnership_ids:
        raise SectionOmitted("This reader sees the figures of no partnership.")
    # One partnership: its own figures; several (the pan-area pack): their total.
    return scorecard.build(user, period, partnership_ids[0] if len(partnership_ids) == 1 else None)


def build_scorecard(user: Any, period: Period, partnership_ids: list[int]) -> dict[str, Any]:
    card = _card(user, period, partnership_ids)
    charted = [r for r in card.rows if r.measure.target is not None]
    red = card.red
    headlines = [f"{len(red)} of {len(card.rows)} measures are red for {period.label}."]
    improving = [
        r.measure.title for r in card.rows if r.direction == "Improving" and r.measure.target is not None
    ]
    worse = [r.measure.title for r in card.rows if r.direction == "Worse" and r.measure.target is not None]
    if worse:
        headlines.append("Worse than the previous period: " + "; ".join(worse[:6]) + ".")
    if improving:
        headlines.append("Improving: " + "; ".join(improving[:6]) + ".")
    return {
        "card": card,
        "groups": [(g, presenters.scorecard_rows(rows, card)) for g, rows in card.groups],
        "head": presenters.SCORECARD_HEAD,
        "trends": [
            {"row": r, "chart": presenters.trend_svg(r), "trend_rows": presenters.trend_rows(r)}
            for r in charted
        ],
        "headlines": headlines,
    }


def build_exceptions(user: Any, period: Period, partnership_ids: list[int]) -> dict[str, Any] | None:
    card = _card(user, period, partnership_ids)
    if not card.red:
        return None
    without = [r.measure.title for r in card.red if r.commentary is None]
    decisions = [f"Agree what will be done about: {r.measure.title} ({r.current.text})." for r in card.red]
    headlines = [f"No commentary yet from the owners of: {'; '.join(without)}."] if without else []
    return {
        "card": card,
        "reports": [
            {
                "row": r,
                "chart": presenters.trend_svg(r),
                "trend_rows": presenters.trend_rows(r),
                "changes": selectors.what_changed(r),
                "href": "",
            }
            for r in card.red
        ],
        "headlines": headlines,
        "decisions": decisions,
    }


def build_impact(user: Any, period: Period, partnership_ids: list[int]) -> dict[str, Any]:
    card = _card(user, period, partnership_ids)
    return {"card": card, **selectors.impact_context(user, card)}


def build_profile(user: Any, period: Period, partnership_ids: list[int]) -> dict[str, Any]:
    from . import profile

    if not partnership_ids:
        raise SectionOmitted("This reader sees the figures of no partnership.")
    return profile.section_context(user, period, partnership_ids)


register_section(
    "profile",
    "The profile of children at risk",
    40,
    "oversight/_profile.html",
    build_profile,
)
register_section(
    "impact",
    "Impact: are children safer since their plan started?",
    30,
    "oversight/_impact.html",
    build_impact,
)
register_section(
    "scorecard",
    "The exploitation scorecard",
    10,
    "oversight/_pack_scorecard.html",
    build_scorecard,
)
register_section(
    "exceptions",
    "Exception reports: the red measures",
    20,
    "oversight/_exceptions.html",
    build_exceptions,
    omitted="No measure is red for this period.",
)
