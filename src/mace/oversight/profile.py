"""The profile of children at risk of exploitation (6.2b, the self-assessment's "Profiling"): who they are,
the models of exploitation, how they compare with the child population, the places and groups that recur,
and the gaps in the services around them.

Counted from live records for one period (a month, quarter or twelve months) over the partnerships the
reader may see figures for. The children at risk are the scorecard's cohort (`sources.cohort`), so the
profile and the scorecard never disagree about who they are. Every count reaches the page through
`disclosure`: aggregate-only readers see "fewer than 5" for 1 to 4 and never a name or free text.
Every query here is a bulk read (values_list over the cohort): nothing is read child by child.
docs/oversight-profile.md says what each figure means and where it comes from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from markupsafe import Markup

from mace.accounts.models import Partnership
from mace.casework.models import Placement, TimetableSession
from mace.missing.models import MissingEpisode, ReturnInterview

# The patterns page's own grouping of places and of children missing together: one logic, two pages.
from mace.missing.reports import ranked_places, seen_together
from mace.missing.services import place_key
from mace.people.models import Flag, Involvement, Person, Sex
from mace.people.selectors import openable
from mace.plans.models import PlanStatus, PlanType

from . import charts, disclosure
from .periods import Period
from .scorecard import figure_partnerships
from .selectors import AGE_BANDS, age_band
from .sources import EDUCATION_KINDS, Scope, _plans_at_end, _waiting_at_risk, cohort

PER = 10_000
LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low"), ("not_screened", "Flagged, not screened")]
# Models of exploitation. CSE, CCE and "both" partition the cohort with "neither"; the others overlap them.
MODELS = [
    ("cse_only", "Sexual exploitation (CSE) only"),
    ("cce_only", "Criminal exploitation (CCE) only"),
    ("both", "Both CSE and CCE"),
    ("neither", "Neither CSE nor CCE identified"),
    ("county_lines", "County lines or gangs"),
    ("online", "Online"),
    ("trafficking", "Trafficking"),
]
# `MACE_CHILD_POPULATION` breakdown keys for age, and the labels the profile shows them under.
AGE_KEYS = {"0-9": "Under 10", "10-13": "10 to 13", "14-15": "14 to 15", "16-17": "16 to 17"}
CARED_FOR_PLACEMENTS = {
    Placement.Kind.FOSTER,
    Placement.Kind.RESIDENTIAL,
    Placement.Kind.SUPPORTED,
    Placement.Kind.SECURE,
}
TOP_PLACES = 10
GAPS = {
    "no-plan": "Without an agreed plan",
    "no-return-interview": "Without a return home interview after a missing episode",
    "no-timetable": "Without an education timetable",
    "autism-adhd": "Waiting for an autism or ADHD assessment",
    "no-lead-professional": "Without a lead professional (an allocated worker)",
}


@dataclass(frozen=True)
class Population:
    total: int
    breakdown: dict[str, dict[str, int]]  # "sex" / "age" / "ethnicity" -> category -> children


def child_population(partnership_ids: Iterable[int]) -> Population | None:
    """The children (0 to 17) living in these partnerships, from `MACE_CHILD_POPULATION` (partnership code
    to a number, or to {"total": n, "sex": {"F": n, "M": n}, "age": {"0-9": n, ...}, "ethnicity": {...}}).
    None unless every partnership is configured; a breakdown is kept only where every one gives it."""
    configured: dict[str, Any] = getattr(settings, "MACE_CHILD_POPULATION", {}) or {}
    codes = list(Partnership.objects.filter(pk__in=list(partnership_ids)).values_list("code", flat=True))
    if not codes:
        return None
    total = 0
    breakdowns: list[dict[str, Any]] = []
    for code in codes:
        value = configured.get(code)
        entry = value if isinstance(value, dict) else {"total": value}
        number = entry.get("total")
        if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
            return None
        total += number
        breakdowns.append(entry)
    merged: dict[str, dict[str, int]] = {}
    for key in ("sex", "age", "ethnicity"):
        parts = [b.get(key) for b in breakdowns]
        if all(isinstance(p, dict) for p in parts):
            sums: Counter[str] = Counter()
            for part in parts:
                assert isinstance(part, dict)
                sums.update({str(k): int(v) for k, v in part.items() if isinstance(v, int) and v > 0})
            merged[key] = dict(sums)
    return Population(total, merged)


# What the page shows -------------------------------------------------------------------------------------


@dataclass
class Line:
    label: str
    count: int
    text: str  # the count as this reader may see it
    share: str  # of the children at risk, e.g. "42%" ("" where the count is suppressed)
    population: str = ""  # the children of this kind in the population, where configured
    rate: str = ""  # per 10,000 children of this kind, where the population is known


@dataclass
class Table:
    code: str
    title: str
    lines: list[Line]
    chart: Markup | None = None
    note: str = ""
    compared: bool = False  # a population column is shown
    hidden: int = 0  # bars left out of the chart: counts this reader sees as "fewer than 5"


@dataclass
class Place:
    label: str  # the place as most often typed (only for readers who may see names)
    episodes: str
    children: str


@dataclass
class Gap:
    code: str
    title: str
    count: int | None  # None: MACE does not record what the gap needs
    text: str
    share: str
    note: str = ""
    href: str = ""  # the list of these children, for readers who may see names


@dataclass
class Profile:
    period: Period
    partnerships: list[Partnership]
    choices: list[Partnership]
    partnership: Partnership | None
    names: bool
    population: Population | None
    total: int
    total_text: str
    rate: str
    tables: list[Table]
    places_found: list[Place]
    places_last_seen: list[Place]
    recurring_places: str
    episodes: str
    groups: str
    group_sizes: list[tuple[str, str]]
    grouped_children: str
    grouped_at_risk: str
    gaps: list[Gap]
    not_recorded: list[str] = field(default_factory=list)

    @property
    def query(self) -> str:
        q = f"?period={self.period.key}"
        return q + (f"&partnership={self.partnership.pk}" if self.partnership else "")


def _share(count: int, total: int, user: Any) -> str:
    if not total or disclosure.suppressed(count, user):
        return ""
    return f"{100.0 * count / total:.0f}%"


def _rate(count: int, population: int | None, user: Any) -> str:
    if not population or disclosure.suppressed(count, user):
        return ""
    return f"{PER * count / population:.1f}"


def _line(label: str, count: int, total: int, user: Any, population: int | None = None) -> Line:
    return Line(
        label,
        count,
        disclosure.count_text(count, user),
        _share(count, total, user),
        f"{population:,}" if population else "",
        _rate(count, population, user),
    )


def _chart(table: Table, what: str, user: Any) -> None:
    """Bars of the table's counts. A count this reader may not see is left out of the chart (the table
    says "fewer than 5"), as the board pack does: a bar's length would give the number away."""
    shown = [line for line in table.lines if not disclosure.suppressed(line.count, user)]
    table.hidden = len(table.lines) - len(shown)
    if not any(line.count for line in shown):
        return
    bars = tuple((line.label, float(line.count)) for line in shown)
    table.chart = charts.bar_chart(
        bars, description=f"Bar chart: {what}. The table beside it gives the figures."
    )


# Building the profile ------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the profile counts, before disclosure: sets of children, so tests and lists can use them."""

    at_risk: dict[int, Any]
    people: dict[int, tuple[date | None, str, str]]  # born, sex, ethnicity
    cared_for: set[int]
    placements: dict[int, str]
    gaps: dict[str, set[int]]
    found: list[tuple[str, str, int | None]]
    last_seen: list[tuple[str, str, int | None]]
    episodes: int
    groups: list[set[int]]


def facts(partnership_ids: list[int], period: Period) -> Facts:
    scope = Scope(tuple(partnership_ids), period)
    at_risk = cohort(scope)
    ids = list(at_risk)
    start, end = period.bounds()
    last_day = period.end - timedelta(days=1)
    people = {
        pk: (born, sex, ethnicity)
        for pk, born, sex, ethnicity in Person.objects.filter(pk__in=ids).values_list(
            "pk", "date_of_birth", "sex", "ethnicity"
        )
    }
    plans = _plans_at_end(scope)
    agreed = {pid for pid in ids if pid in plans and plans[pid][1] == PlanStatus.AGREED}
    lac = set(
        Flag.objects.filter(person_id__in=ids, kind=Flag.Kind.CPIS_LAC, set_at__lt=end)
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gte=end))
        .values_list("person_id", flat=True)
    )
    cared_for = {pid for pid in agreed if plans[pid][0] == PlanType.CARED_FOR} | lac
    placements: dict[int, str] = {}
    for person_id, kind in (
        Placement.objects.filter(person_id__in=ids, started_on__lte=last_day)
        .order_by("started_on", "pk")
        .values_list("person_id", "kind")
    ):
        placements[person_id] = kind  # the latest placement started by the period's last day
    # Gaps in services.
    returned = MissingEpisode.objects.filter(
        partnership_id__in=partnership_ids, person_id__in=ids, returned_at__gte=start, returned_at__lt=end
    )
    interviewed = set(
        ReturnInterview.objects.filter(
            episode__in=returned, completed_at__isnull=False, completed_at__lt=end
        ).values_list("episode_id", flat=True)
    )
    no_interview = {pid for pk, pid in returned.values_list("pk", "person_id") if pk not in interviewed}
    timetabled = set(
        TimetableSession.objects.filter(
            person_id__in=ids, kind__in=EDUCATION_KINDS, active_from__lte=last_day
        )
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=last_day))
        .values_list("person_id", flat=True)
    )
    led = set(
        Involvement.objects.filter(person_id__in=ids, kind=Involvement.Kind.ALLOCATED, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end))
        .values_list("person_id", flat=True)
    )
    gaps = {
        "no-plan": set(ids) - agreed,
        "no-return-interview": no_interview,
        "no-timetable": set(ids) - timetabled,
        "no-lead-professional": set(ids) - led,
        "autism-adhd": set(_waiting_at_risk(scope)),
    }
    # Places and groups: every episode that began in the period in these partnerships (not only the
    # cohort's: a place where children go missing matters before anyone has screened them).
    rows = list(
        MissingEpisode.objects.filter(
            partnership_id__in=partnership_ids, last_seen_at__gte=start, last_seen_at__lt=end
        ).values_list(
            "pk",
            "person_id",
            "last_seen_at",
            "returned_at",
            "found_place_key",
            "found_place",
            "last_seen_place",
        )
    )
    found: list[tuple[str, str, int | None]] = [
        (key, place, person) for _pk, person, _s, _r, key, place, _l in rows if key
    ]
    last_seen: list[tuple[str, str, int | None]] = [
        (place_key(last), last, person) for _pk, person, _s, _r, _k, _p, last in rows if last
    ]
    together = [
        (pk, person, key, place, seen, returned or end)
        for pk, person, seen, returned, key, place, _last in rows
        if person and key
    ]
    groups = [members for _label, members, _times, _last in seen_together(together)]
    return Facts(at_risk, people, cared_for, placements, gaps, found, last_seen, len(rows), groups)


def build(user: Any, period: Period, partnership_id: int | None = None) -> Profile:
    """The profile for a period as this reader may see it; `partnership_id` None: every partnership the
    reader sees figures for, together. LookupError for a partnership the reader may not see."""
    allowed = figure_partnerships(user)
    choices = list(Partnership.objects.filter(pk__in=allowed).order_by("name"))
    chosen = [p for p in choices if p.pk == partnership_id] if partnership_id is not None else choices
    if partnership_id is not None and not chosen:
        raise LookupError("partnership")
    ids = [p.pk for p in chosen]
    f = facts(ids, period)
    population = child_population(ids) if ids else None
    pop_total = population.total if population else None
    names = disclosure.names_allowed(user)
    total = len(f.at_risk)
    last_day = period.end - timedelta(days=1)

    def table(code: str, title: str, counts: Counter[str], labels: list[tuple[str, str]], **kw: Any) -> Table:
        key = kw.pop("population_key", None)
        pops = population.breakdown.get(key, {}) if population and key else {}
        lines = [_line(label, counts.get(k, 0), total, user, pops.get(k)) for k, label in labels]
        return Table(code, title, lines, compared=bool(pops), **kw)

    levels = Counter(r.level for r in f.at_risk.values())
    models: Counter[str] = Counter()
    for r in f.at_risk.values():
        cse, cce = "cse" in r.models, "cce" in r.models
        models["both" if cse and cce else "cse_only" if cse else "cce_only" if cce else "neither"] += 1
        for extra in ("county_lines", "online", "trafficking"):
            if extra in r.models:
                models[extra] += 1
    ages = Counter(age_band(f.people.get(pid, (None, "", ""))[0], last_day) for pid in f.at_risk)
    age_labels = [(label, label) for label, *_ in AGE_BANDS] + [("Age not known", "Age not known")]
    age_table = table("age", "Age at the end of the period", ages, age_labels)
    if population and "age" in population.breakdown:
        by_label = {AGE_KEYS[k]: v for k, v in population.breakdown["age"].items() if k in AGE_KEYS}
        age_table = Table(
            "age",
            age_table.title,
            [
                _line(line.label, line.count, total, user, by_label.get(line.label))
                for line in age_table.lines
            ],
            compared=bool(by_label),
        )
    sexes = Counter(f.people.get(pid, (None, Sex.OTHER, ""))[1] for pid in f.at_risk)
    ethnicities = Counter(
        (f.people.get(pid, (None, "", ""))[2] or "").strip() or "Not recorded" for pid in f.at_risk
    )
    ethnic_labels = [(e, e) for e, _n in sorted(ethnicities.items(), key=lambda kv: (-kv[1], kv[0]))]
    status = Counter({"cared_for": len(f.cared_for), "not_cared_for": total - len(f.cared_for)})
    placements = Counter(f.placements.get(pid, "none") for pid in f.at_risk)

    model_table = table("models", "Models of exploitation", models, MODELS)
    _chart(model_table, "children at risk by model of exploitation", user)
    model_table.note = (
        "CSE, CCE, both and neither add up to every child at risk; county lines or gangs, online and "
        "trafficking overlap them. Trafficking is known only from the concerns recorded on contacts: the "
        "screening tool has no trafficking indicator."
    )
    _chart(age_table, "children at risk by age", user)
    tables = [
        table("levels", "Level of risk (the latest screening's judgement)", levels, LEVELS),
        model_table,
        age_table,
        table("sex", "Sex", sexes, [(str(v), str(label)) for v, label in Sex.choices], population_key="sex"),
        table("ethnicity", "Ethnicity (as recorded)", ethnicities, ethnic_labels, population_key="ethnicity"),
        table(
            "cared-for",
            "Cared for (an agreed cared-for plan or a CP-IS looked-after flag)",
            status,
            [("cared_for", "Cared for"), ("not_cared_for", "Not cared for")],
        ),
        table(
            "placement",
            "Where the child lives (the latest placement recorded)",
            placements,
            [(str(v), str(label)) for v, label in Placement.Kind.choices]
            + [("none", "No placement recorded")],
            note="MACE records the kind of placement, not where it is: children placed out of area cannot be "
            "counted yet.",
        ),
    ]
    cared_placed = sum(1 for pid in f.at_risk if f.placements.get(pid) in CARED_FOR_PLACEMENTS)
    tables[-1].lines.append(
        _line("Of whom in foster, residential, supported or secure care", cared_placed, total, user)
    )

    def places(pairs: list[tuple[str, str, int | None]]) -> list[Place]:
        if not names:
            return []
        return [
            Place(r.label, disclosure.count_text(r.episodes, user), disclosure.count_text(r.children, user))
            for r in ranked_places(pairs, TOP_PLACES)
            if r.episodes > 1
        ]

    recurring = sum(1 for n in Counter(k for k, _p, _c in f.found).values() if n > 1)
    sizes = Counter(len(g) for g in f.groups)
    size_labels = [
        ("2", "2 children"),
        ("3", "3 children"),
        ("4", "4 children"),
        ("5+", "5 or more children"),
    ]
    size_counts: Counter[str] = Counter()
    for n, c in sizes.items():
        size_counts["5+" if n >= 5 else str(n)] += c
    grouped: set[int] = set().union(*f.groups) if f.groups else set()
    gaps = []
    for code, title in GAPS.items():
        people = f.gaps[code]
        gaps.append(
            Gap(
                code,
                title,
                len(people),
                disclosure.count_text(len(people), user),
                _share(len(people), total, user),
                href=f"/oversight/profile/gaps/{code}/" if names and people else "",
            )
        )
    gaps[1].note = "Of the children at risk who came back from a missing episode in the period."
    gaps[2].note = (
        "No education or tuition session on the child's timetable on the period's last day. MACE keeps "
        "timetables for children not in full-time school, so a child in full-time school with no timetable "
        "recorded is counted here too."
    )
    gaps[3].note = (
        "Waiting on the period's last day: referred for an autism or ADHD assessment and not yet assessed "
        "(health waits on the child's record, action 3.4)."
    )
    return Profile(
        period=period,
        partnerships=chosen,
        choices=choices,
        partnership=chosen[0] if partnership_id is not None else None,
        names=names,
        population=population,
        total=total,
        total_text=disclosure.count_text(total, user),
        rate=_rate(total, pop_total, user),
        tables=tables,
        places_found=places(f.found),
        places_last_seen=places(f.last_seen),
        recurring_places=disclosure.count_text(recurring, user),
        episodes=disclosure.count_text(f.episodes, user),
        groups=disclosure.count_text(len(f.groups), user),
        group_sizes=[(label, disclosure.count_text(size_counts.get(k, 0), user)) for k, label in size_labels],
        grouped_children=disclosure.count_text(len(grouped), user),
        grouped_at_risk=disclosure.count_text(len(grouped & set(f.at_risk)), user),
        gaps=gaps,
        not_recorded=[
            "Disability: MACE does not record whether a child is disabled yet, so it cannot be compared.",
            "Placed out of area: MACE records the kind of placement, not where it is.",
            "Places on contacts and screenings: neither records a place, so places come from missing "
            "episodes only.",
        ],
    )


# The children behind a gap ------------------------------------------------------------------------------


@dataclass
class GapList:
    code: str
    title: str
    period: Period
    children: list[tuple[int, str, str]]  # person, name, age band — only children this reader may open
    not_openable: int
    total: int


def gap_children(user: Any, period: Period, code: str, partnership_id: int | None = None) -> GapList:
    """The children behind one gap, named only where the reader may open their record. PermissionError
    for a reader who may not see names; LookupError for an unknown gap or partnership."""
    if code not in GAPS:
        raise LookupError("gap")
    if not disclosure.names_allowed(user):
        raise PermissionError("names")
    allowed = figure_partnerships(user)
    ids = [pk for pk in allowed if partnership_id is None or pk == partnership_id]
    if partnership_id is not None and not ids:
        raise LookupError("partnership")
    people = facts(ids, period).gaps[code]
    mine = openable(user, people)
    last_day = period.end - timedelta(days=1)
    rows = sorted(
        (
            (
                pk,
                Person(given_names=given, family_name=family, preferred_name=preferred).display_name,
                age_band(born, last_day),
            )
            for pk, given, family, preferred, born in Person.objects.filter(pk__in=list(mine)).values_list(
                "pk", "given_names", "family_name", "preferred_name", "date_of_birth"
            )
        ),
        key=lambda r: (r[1], r[0]),
    )
    return GapList(code, GAPS[code], period, rows, len(people) - len(mine), len(people))


def section_context(user: Any, period: Period, partnership_ids: list[int]) -> dict[str, Any]:
    """The context for `oversight/_profile.html` in the board pack: a pack section's builder
    (`pack.register_section("profile", ..., "oversight/_profile.html", section_context)`). One partnership
    id: that partnership; several: all the reader sees, together. Headings sit under the section's."""
    built = build(user, period, partnership_ids[0] if len(partnership_ids) == 1 else None)
    gaps = [g for g in built.gaps if g.count]
    headlines = [f"{built.total_text} children at risk of exploitation at the end of the period."]
    headlines += [f"{g.title}: {g.text}." for g in gaps]
    return {"profile": built, "profile_heading": 3, "headlines": headlines}
