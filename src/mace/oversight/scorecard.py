"""The multi-agency exploitation scorecard (6.2d): every figure computed from live records.

`build(user, period, partnership)` gives, for each measure of the active definition, this period, the
previous period and the same period a year ago, a 12-point trend, the target, red/amber/green with the rule
that made it, and the direction of travel. Figures come from `MeasureFigure` rows the worker computes
nightly from the records (`figures_for`); a figure not yet computed is computed from the records there and
then and kept, so the first reader of a new period waits once. The page says as of when.

Figures are stored per partnership; the pan-area total (a deployment holding several partnerships) sums
numerators and denominators, so a child known to two partnerships counts in each.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mace.accounts.models import Partnership
from mace.accounts.selectors import figure_partnership_ids
from mace.core.access import capabilities

from . import disclosure, measures, sources
from .models import Commentary, MeasureFigure, MeasureSet
from .periods import Period, trend
from .sources import Figure, Scope


def figure_partnerships(user: Any) -> list[int]:
    """The partnerships whose scorecard this reader may see (every one, for an independent scrutineer)."""
    if not capabilities(user).aggregates:
        return []
    return sorted(figure_partnership_ids(user))


def active_set() -> MeasureSet:
    found = MeasureSet.objects.filter(code="scorecard", status=MeasureSet.Status.ACTIVE).first()
    if found is None:
        from .services import measureset_sync_shipped

        measureset_sync_shipped()
        found = MeasureSet.objects.get(code="scorecard", status=MeasureSet.Status.ACTIVE)
    return found


@functools.lru_cache(maxsize=32)
def _parsed(pk: int, version: int) -> measures.MeasureSetDefinition:
    return measures.parse(MeasureSet.objects.get(pk=pk).definition)


def definition_of(measure_set: MeasureSet) -> measures.MeasureSetDefinition:
    return _parsed(measure_set.pk, measure_set.version)


def population(partnership_ids: Iterable[int]) -> int | None:
    """The number of children (0 to 17) living in these partnerships, from configuration
    (`MACE_CHILD_POPULATION`: partnership code to a number, or to {"total": number, ...}); None unless
    every one of them is configured."""
    configured: dict[str, Any] = getattr(settings, "MACE_CHILD_POPULATION", {}) or {}
    total = 0
    for code in Partnership.objects.filter(pk__in=list(partnership_ids)).values_list("code", flat=True):
        value = configured.get(code)
        if isinstance(value, dict):
            value = value.get("total")
        if not isinstance(value, int) or value <= 0:
            return None
        total += value
    return total or None


# Computing and keeping figures ------------------------------------------------------------------------


def compute_figures(
    measure_set: MeasureSet,
    partnership_id: int,
    period: Period,
    *,
    codes: Iterable[str] | None = None,
    now: datetime | None = None,
) -> dict[str, Figure]:
    """Count every measure (or those named) for one partnership and period from the records."""
    return compute_periods(measure_set, partnership_id, [period], codes=codes, now=now)[period.key]


def compute_periods(
    measure_set: MeasureSet,
    partnership_id: int,
    periods: Iterable[Period],
    *,
    codes: Iterable[str] | None = None,
    now: datetime | None = None,
    on_period: Callable[[], None] | None = None,
) -> dict[str, dict[str, Figure]]:
    """{period key: {measure: figure}} for one partnership, counting each month once: a quarter's or a
    year's figure is the month that ends it (measures counted at the end), the sum of its months (counts
    and rates that add up), or counted afresh (children counted once over the period)."""
    definition = definition_of(measure_set)
    wanted = set(codes) if codes is not None else None
    shown = [m for m in definition.measures if wanted is None or m.code in wanted]
    now = now or timezone.now()
    memo: dict[str, Any] = {}
    months: dict[str, dict[str, Figure]] = {}

    def month_figures(month: Period, needed: list[measures.Measure]) -> dict[str, Figure]:
        have = months.setdefault(month.key, {})
        todo = [m for m in needed if m.code not in have]
        if todo:
            scope = Scope((partnership_id,), month, now=now, _memo=memo)
            for m in todo:
                have[m.code] = sources.compute(m.source, scope, m.params)
        return have

    out: dict[str, dict[str, Figure]] = {}
    ordered = sorted(set(periods), key=lambda p: (p.kind != "month", p.end))
    for period in ordered:
        if on_period is not None:
            on_period()
        if period.kind == "month":
            out[period.key] = dict(month_figures(period, shown))
            continue
        result: dict[str, Figure] = {}
        direct: list[measures.Measure] = []
        for m in shown:
            kind = sources.SOURCES[m.source].kind
            if kind == "at_end":
                result[m.code] = month_figures(Period.ending("month", period.last_month), [m])[m.code]
            elif kind == "additive":
                parts = [month_figures(Period.ending("month", mo), [m])[m.code] for mo in period.months()]
                denominators = [f.denominator for f in parts]
                result[m.code] = Figure(
                    sum(f.numerator for f in parts),
                    None if any(d is None for d in denominators) else sum(d or 0 for d in denominators),
                )
            else:
                direct.append(m)
        if direct:
            scope = Scope((partnership_id,), period, now=now, _memo=memo)
            for m in direct:
                result[m.code] = sources.compute(m.source, scope, m.params)
        out[period.key] = result
    return out


def store_figures(
    measure_set: MeasureSet, partnership_id: int, period: Period, figures: dict[str, Figure], at: datetime
) -> None:
    """Keep computed figures, replacing any earlier computation of the same ones."""
    with transaction.atomic():
        MeasureFigure.objects.filter(
            measure_set=measure_set,
            partnership_id=partnership_id,
            period=period.key,
            measure__in=list(figures),
        ).delete()
        MeasureFigure.objects.bulk_create(
            MeasureFigure(
                measure_set=measure_set,
                measure=code,
                partnership_id=partnership_id,
                period=period.key,
                numerator=f.numerator,
                denominator=f.denominator,
                computed_at=at,
            )
            for code, f in figures.items()
        )


@dataclass
class Stored:
    figure: Figure
    computed_at: datetime


def figures_for(
    measure_set: MeasureSet, partnership_ids: list[int], periods: Iterable[Period]
) -> dict[tuple[str, str], Stored]:
    """{(measure, period key): figure summed over the partnerships}. Figures not yet kept are computed
    now from the records and kept."""
    periods = list(dict.fromkeys(periods))
    keys = [p.key for p in periods]
    rows = MeasureFigure.objects.filter(
        measure_set=measure_set, partnership_id__in=partnership_ids, period__in=keys
    ).values_list("measure", "period", "partnership_id", "numerator", "denominator", "computed_at")
    have: dict[tuple[str, str, int], tuple[int, int | None, datetime]] = {
        (m, p, pid): (n, d, at) for m, p, pid, n, d, at in rows
    }
    codes = [m.code for m in definition_of(measure_set).measures]
    now = timezone.now()
    for pid in partnership_ids:
        lacking = [p for p in periods if any((c, p.key, pid) not in have for c in codes)]
        if not lacking:
            continue
        for key, computed in compute_periods(measure_set, pid, lacking, now=now).items():
            fresh = {c: f for c, f in computed.items() if (c, key, pid) not in have}
            period = next(p for p in lacking if p.key == key)
            # Another reader may have kept the same figures first: theirs are as good.
            with contextlib.suppress(IntegrityError):
                store_figures(measure_set, pid, period, fresh, now)
            for code, f in fresh.items():
                have[(code, key, pid)] = (f.numerator, f.denominator, now)
    out: dict[tuple[str, str], Stored] = {}
    recount = {
        m.code: m
        for m in definition_of(measure_set).measures
        if sources.SOURCES[m.source].combine == "recount" and len(partnership_ids) > 1
    }
    shared: dict[str, Any] = {}
    for code, m in recount.items():
        # A median or a longest over several partnerships is not the sum of theirs: counted afresh (from
        # the few children waiting, not the whole cohort: see sources.at_risk_among).
        for period in periods:
            scope = Scope(tuple(partnership_ids), period, now=now, _memo=shared)
            out[(code, period.key)] = Stored(sources.compute(m.source, scope, m.params), now)
    for code in codes:
        if code in recount:
            continue
        for period in periods:
            parts = [
                have[(code, period.key, pid)] for pid in partnership_ids if (code, period.key, pid) in have
            ]
            if not parts:
                continue
            numerator = sum(n for n, _d, _at in parts)
            denominators = [d for _n, d, _at in parts]
            denominator = None if any(d is None for d in denominators) else sum(d or 0 for d in denominators)
            out[(code, period.key)] = Stored(Figure(numerator, denominator), min(at for *_x, at in parts))
    return out


# The scorecard as a reader sees it ----------------------------------------------------------------------


@dataclass
class Cell:
    """One figure as this reader may see it."""

    figure: Figure | None
    text: str  # "1,234", "95 of 100 (95%)", "fewer than 5", "Nothing in the period", "No data"
    value: float | None  # what the target is compared with; None when empty or not shown

    @property
    def percent_text(self) -> str:
        return f"{self.value:.0f}%" if self.value is not None else ""


@dataclass
class Row:
    measure: measures.Measure
    current: Cell
    previous: Cell
    year_ago: Cell
    trend: list[tuple[Period, Cell]]
    rag: measures.Rag
    direction: str
    per_10000: str | None  # "12.3 per 10,000 children", or None
    commentary: Commentary | None = None

    @property
    def red(self) -> bool:
        return self.rag.colour == "red"


@dataclass
class Scorecard:
    period: Period
    measure_set: MeasureSet
    definition: measures.MeasureSetDefinition
    partnerships: list[Partnership]  # those the figures cover
    choices: list[Partnership]  # those the reader may choose between
    partnership: Partnership | None  # None: every partnership the reader may see (pan-area total)
    rows: list[Row]
    as_of: datetime | None
    population: int | None
    groups: list[tuple[measures.Group, list[Row]]] = field(default_factory=list)

    @property
    def red(self) -> list[Row]:
        return [r for r in self.rows if r.red]

    def row(self, code: str) -> Row:
        for r in self.rows:
            if r.measure.code == code:
                return r
        raise KeyError(code)


def cell(measure: measures.Measure, stored: Stored | None, user: Any) -> Cell:
    if stored is None:
        return Cell(None, "No data", None)
    f = stored.figure
    if measure.weeks:
        # A wait: shown unless it was worked out from fewer than 5 children for a reader of aggregates.
        if not f.denominator:
            return Cell(f, "Nobody waiting", None)
        if disclosure.suppressed(f.denominator, user):
            return Cell(f, f"{disclosure.SUPPRESSED} children waiting", None)
        return Cell(f, f"{f.numerator:,} weeks ({f.denominator:,} waiting)", f.weeks())
    if f.denominator is None:
        text = disclosure.count_text(f.numerator, user)
        value = None if disclosure.suppressed(f.numerator, user) else f.value
        return Cell(f, text, value)
    text = disclosure.rate_text(f.numerator, f.denominator, user)
    value = None if disclosure.suppressed(f.denominator, user) else f.value
    return Cell(f, text, value)


def _rate_per_10000(f: Figure | None, pop: int | None, user: Any) -> str | None:
    if f is None or pop is None or disclosure.suppressed(f.numerator, user):
        return None
    return f"{10000.0 * f.numerator / pop:.1f} per 10,000 children"


def partnership_filter(partnership_id: int | None) -> Q:
    """Commentary on one partnership's figure, or (None) on the pan-area total."""
    return Q(partnership__isnull=True) if partnership_id is None else Q(partnership_id=partnership_id)


def _value(m: measures.Measure, c: Cell) -> float | None:
    if c.figure is None:
        return None
    return c.figure.weeks() if m.weeks else c.figure.value


def build(
    user: Any,
    period: Period,
    partnership_id: int | None = None,
    *,
    codes: Iterable[str] | None = None,
    points: int = 12,
) -> Scorecard:
    """The scorecard for a period as this reader may see it. `partnership_id` None: the total over
    every partnership the reader may see."""
    allowed = figure_partnerships(user)
    choices = list(Partnership.objects.filter(pk__in=allowed).order_by("name"))
    chosen = [p for p in choices if p.pk == partnership_id] if partnership_id is not None else choices
    if partnership_id is not None and not chosen:
        raise LookupError("partnership")
    ids = [p.pk for p in chosen]
    measure_set = active_set()
    definition = definition_of(measure_set)
    wanted = set(codes) if codes is not None else None
    shown = [m for m in definition.measures if wanted is None or m.code in wanted]
    points_for = trend(period, points)
    all_periods = [*points_for, period.previous, period.year_ago]
    stored = figures_for(measure_set, ids, all_periods) if ids and shown else {}
    pop = population(ids) if ids else None
    comments = {
        c.measure: c
        for c in Commentary.objects.filter(
            measure_set=measure_set,
            period=period.key,
            measure__in=[m.code for m in shown],
        ).filter(partnership_filter(partnership_id))
    }
    rows = []
    for m in shown:
        current = cell(m, stored.get((m.code, period.key)), user)
        previous = cell(m, stored.get((m.code, period.previous.key)), user)
        rows.append(
            Row(
                measure=m,
                current=current,
                previous=previous,
                year_ago=cell(m, stored.get((m.code, period.year_ago.key)), user),
                trend=[(p, cell(m, stored.get((m.code, p.key)), user)) for p in points_for],
                # The colour and direction come from the figures themselves: a small count is hidden from
                # an aggregate reader, but whether the measure is red is what leaders need to know.
                rag=m.rag(_value(m, current)),
                direction=m.direction(_value(m, current), _value(m, previous)),
                per_10000=_rate_per_10000(current.figure, pop, user) if m.per_10000 else None,
                commentary=comments.get(m.code),
            )
        )
    times = [s.computed_at for s in stored.values()]
    card = Scorecard(
        period=period,
        measure_set=measure_set,
        definition=definition,
        partnerships=chosen,
        choices=choices,
        partnership=chosen[0] if partnership_id is not None else None,
        rows=rows,
        as_of=min(times) if times else None,
        population=pop,
    )
    card.groups = [(g, [r for r in rows if r.measure.group == g.code]) for g in definition.groups]
    card.groups = [(g, rs) for g, rs in card.groups if rs]
    return card


def people_behind(
    user: Any, measure: measures.Measure, period: Period, partnership_ids: list[int]
) -> frozenset[int]:
    """The children behind a measure's figure (computed from the records now)."""
    people: set[int] = set()
    for pid in partnership_ids:
        scope = Scope((pid,), period, want_people=True)
        f = sources.compute(measure.source, scope, measure.params)
        people |= set(f.people or ())
    return frozenset(people)
