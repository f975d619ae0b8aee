"""Reads for the oversight pages: what changed, the children behind a figure (to the depth the reader
may see), the children at highest risk and not improving, the next board date."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.people.models import Person
from mace.people.selectors import openable

from . import disclosure, scorecard
from .measures import Measure
from .periods import Period
from .scorecard import Row, Scorecard
from .sources import Scope, cohort_levels

AGE_BANDS = (
    ("Under 10", 0, 9),
    ("10 to 13", 10, 13),
    ("14 to 15", 14, 15),
    ("16 to 17", 16, 17),
    ("18 or over", 18, 200),
)


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "Age not known"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return "Age not known"


def pseudonym(person_id: int) -> str:
    """A stable reference for a child that names no one: the analyst can follow a child across figures
    without learning who they are."""
    key = str(getattr(settings, "MACE_AUDIT_KEY", "") or settings.SECRET_KEY).encode()
    digest = hashlib.blake2b(str(person_id).encode(), key=key[:64], digest_size=5).hexdigest()
    return f"C-{digest.upper()}"


@dataclass
class ChildLine:
    person_id: int
    name: str | None  # shown only where the reader may open the record
    reference: str
    age_band: str
    sex: str
    level: str


@dataclass
class Behind:
    """The children behind a figure, as deep as this reader may see: names (linked) for those whose
    records they may open, pseudonymised lines for an analyst so configured, otherwise counts by band."""

    depth: str  # names, rows or counts
    total: int
    total_text: str
    lines: list[ChildLine] = field(default_factory=list)
    not_openable: int = 0
    by_band: list[tuple[str, str]] = field(default_factory=list)  # (band, count text)
    by_level: list[tuple[str, str]] = field(default_factory=list)
    what: str = "children"


LEVEL_TEXT = {"high": "High", "medium": "Medium", "low": "Low", "not_screened": "Flagged, not screened"}


def children_behind(user: Any, measure: Measure, period: Period, partnership_ids: list[int]) -> Behind:
    ids = scorecard.people_behind(user, measure, period, partnership_ids) if partnership_ids else frozenset()
    day = period.end
    levels: dict[int, str] = {}
    for pid in partnership_ids:
        levels.update(cohort_levels(Scope((pid,), period)))
    people = list(
        Person.objects.filter(pk__in=list(ids)).values_list(
            "pk", "given_names", "family_name", "date_of_birth", "sex"
        )
    )
    bands: dict[str, int] = {}
    by_level: dict[str, int] = {}
    for _pk, _g, _f, born, _sex in people:
        band = age_band(born, day)
        bands[band] = bands.get(band, 0) + 1
    for pk in ids:
        label = LEVEL_TEXT.get(levels.get(pk, ""), "Not at risk at the period's end")
        by_level[label] = by_level.get(label, 0) + 1
    out = Behind(
        depth="counts",
        total=len(ids),
        total_text=disclosure.count_text(len(ids), user),
        by_band=[
            (label, disclosure.count_text(bands[label], user)) for label, *_ in AGE_BANDS if label in bands
        ]
        + (
            [("Age not known", disclosure.count_text(bands["Age not known"], user))]
            if "Age not known" in bands
            else []
        ),
        by_level=sorted(((k, disclosure.count_text(v, user)) for k, v in by_level.items())),
    )
    if disclosure.names_allowed(user):
        mine = openable(user, ids)
        out.depth = "names"
        out.not_openable = len(ids) - len(mine)
        out.lines = sorted(
            (
                ChildLine(
                    pk,
                    f"{g} {f}".strip() or "Name not known",
                    pseudonym(pk),
                    age_band(b, day),
                    s,
                    LEVEL_TEXT.get(levels.get(pk, ""), ""),
                )
                for pk, g, f, b, s in people
                if pk in mine
            ),
            key=lambda c: (c.name or "", c.person_id),
        )
        if out.lines:
            with transaction.atomic():
                audit.record(
                    audit.Actor.of(user),
                    audit.Event(
                        AccessLogEntry.Action.VIEW,
                        "measure_children",
                        measure.code,
                        detail={"period": period.key, "people": [c.person_id for c in out.lines][:500]},
                    ),
                )
    elif disclosure.rows_allowed(user):
        out.depth = "rows"
        out.lines = sorted(
            (
                ChildLine(
                    pk, None, pseudonym(pk), age_band(b, day), s, LEVEL_TEXT.get(levels.get(pk, ""), "")
                )
                for pk, _g, _f, b, s in people
            ),
            key=lambda c: c.reference,
        )
    return out


@dataclass
class Change:
    measure: Measure
    text: str
    direction: str


def what_changed(row: Row) -> list[str]:
    """In words: this period against the previous period and the same period a year ago."""
    out = []
    for label, other in (("the previous period", row.previous), ("the same period a year ago", row.year_ago)):
        now, then = row.current.value, other.value
        if now is None or then is None:
            why = "no data" if other.figure is None and now is not None else "a figure is withheld or empty"
            out.append(f"No comparison with {label}: {why}.")
            continue
        diff = now - then
        unit = " percentage points" if row.measure.percent else ""
        if abs(diff) < 1e-9:
            out.append(f"The same as {label} ({other.text}).")
        else:
            word = "up" if diff > 0 else "down"
            size = f"{abs(diff):.1f}" if abs(diff) < 10 and row.measure.percent else f"{abs(diff):,.0f}"
            out.append(f"{word.capitalize()} {size}{unit} on {label} ({other.text}).")
    return out


def changed(card: Scorecard, limit: int = 8) -> list[Change]:
    """The measures that moved most since the previous period, worse first."""
    moved = [r for r in card.rows if r.direction in ("Improving", "Worse")]

    def size(r: Row) -> float:
        now, then = r.current.value or 0.0, r.previous.value or 0.0
        return abs(now - then) / (max(abs(then), 1.0) if not r.measure.percent else 100.0)

    moved.sort(key=lambda r: (r.direction != "Worse", -size(r)))
    return [Change(r.measure, what_changed(r)[0], r.direction) for r in moved[:limit]]


@dataclass
class HighestRisk:
    count_text: str
    not_improving_text: str
    children: list[ChildLine]
    not_openable: int


def highest_risk_not_improving(user: Any, card: Scorecard) -> HighestRisk:
    """Children at high risk at the end of this period who were already at high risk at the end of the
    previous one: the plan has not yet lowered their risk."""
    now_high: set[int] = set()
    before_high: set[int] = set()
    for p in card.partnerships:
        now_high |= {k for k, v in cohort_levels(Scope((p.pk,), card.period)).items() if v == "high"}
        before_high |= {
            k for k, v in cohort_levels(Scope((p.pk,), card.period.previous)).items() if v == "high"
        }
    stuck = now_high & before_high
    lines: list[ChildLine] = []
    hidden = 0
    if disclosure.names_allowed(user) and stuck:
        mine = openable(user, stuck)
        hidden = len(stuck) - len(mine)
        for pk, g, f, b, s in Person.objects.filter(pk__in=list(mine)).values_list(
            "pk", "given_names", "family_name", "date_of_birth", "sex"
        ):
            lines.append(
                ChildLine(
                    pk,
                    f"{g} {f}".strip() or "Name not known",
                    pseudonym(pk),
                    age_band(b, card.period.end),
                    s,
                    "High",
                )
            )
        lines.sort(key=lambda c: c.name or "")
    return HighestRisk(
        disclosure.count_text(len(now_high), user), disclosure.count_text(len(stuck), user), lines, hidden
    )


def next_board_date(today: date) -> date | None:
    """The next meeting of the partnership's executive board, from configuration (`MACE_BOARD_DATES`,
    ISO dates)."""
    dates = []
    for text in getattr(settings, "MACE_BOARD_DATES", []) or []:
        try:
            dates.append(date.fromisoformat(str(text)))
        except ValueError:
            continue
    upcoming = sorted(d for d in dates if d >= today)
    return upcoming[0] if upcoming else None


def landing_links(user: Any) -> list[tuple[str, str]]:
    """Links to the other oversight pages that exist in this build (profile, impact, board pack)."""
    from django.urls import NoReverseMatch, reverse

    out = []
    for name, text in (
        ("oversight:profile", "The profile of children at risk"),
        ("oversight:impact", "Impact: are children safer after their plan?"),
        ("oversight:pack", "Board packs (PDF)"),
    ):
        try:
            out.append((reverse(name), text))
        except NoReverseMatch:
            continue
    return out


def impact_context(user: Any, card: Scorecard) -> dict[str, Any]:
    """The impact cohorts as this reader may see them (counts through disclosure)."""
    from .impact import cohorts

    ids = [p.pk for p in card.partnerships]
    rows = []
    for c in cohorts(ids, card.period.bounds()[1]) if ids else []:
        rows.append(
            [
                {"text": f"{c.months} months before"},
                {"text": disclosure.count_text(c.children, user), "format": "numeric"},
                {"text": disclosure.rate_text(c.risk_lower, c.children, user)},
                {"text": disclosure.rate_text(c.missing_fewer, c.children, user)},
                {"text": disclosure.rate_text(c.education_more, c.children, user)},
                {"text": disclosure.rate_text(c.safer, c.children, user)},
                {"text": disclosure.rate_text(c.not_safer, c.children, user)},
                {"text": disclosure.rate_text(c.unclear, c.children, user)},
            ]
        )
    return {
        "impact_rows": rows,
        "impact_head": [
            {"text": "Plan started"},
            {"text": "Children", "format": "numeric"},
            {"text": "Risk lower"},
            {"text": "Fewer missing episodes"},
            {"text": "More education"},
            {"text": "Safer"},
            {"text": "Not safer"},
            {"text": "Unclear"},
        ],
    }
