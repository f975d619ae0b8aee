"""Where each scorecard figure comes from: one function per kind of count, over live records.

A source takes the scope (the partnerships and the period) and the measure's parameters, and returns a
`Figure`: a count, or a numerator over a denominator, and, when asked, the children behind it. Sources read
the journey modules' tables (read-only: oversight is a higher layer and never writes them). The cohort of
children at risk at the end of the period is worked out once per scope and shared by every measure.

Definitions used throughout (docs/oversight.md says the same for each measure):
- *At risk of exploitation at a date*: a child with a CSE or CCE flag open at that date, or whose latest
  complete exploitation screening in the 12 months before it judged the risk low, medium or high.
- *Level*: the judgement of that latest screening; a flagged child with no screening is "not screened".
- *Model of exploitation*: from the flags, the screening's indicators and the concerns of contacts in the
  12 months before: CSE, CCE, both, county lines or gangs, online, trafficking.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from mace.core import clocks, voice
from mace.frontdoor.models import Contact
from mace.frontdoor.selectors import DECISION_MET, REVIEW_MET, decision_due_by, review_due_by
from mace.frontdoor.thresholds import EXPLOITATION
from mace.health import selectors as health_selectors
from mace.meetings.models import Meeting
from mace.missing.models import MissingEpisode, ReturnInterview, StrategyRequirement
from mace.people.models import Flag, Involvement, Person
from mace.plans.models import PlanReview, PlanStatus, PlanVersion
from mace.screening.models import Level, Screening

from .periods import Period

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int | None = None  # None: a count, not a rate
    people: frozenset[int] | None = None  # the children behind the numerator, when asked for

    def weeks(self) -> float | None:
        """A "weeks" figure's value: the weeks (numerator) over the children waiting (denominator); None
        when nobody is waiting."""
        return float(self.numerator) if self.denominator else None

    @property
    def value(self) -> float | None:
        """The figure as compared with its target: a count, or a percentage (None for an empty period:
        nothing was due, which is not 0%)."""
        if self.denominator is None:
            return float(self.numerator)
        if not self.denominator:
            return None
        return 100.0 * self.numerator / self.denominator


@dataclass
class Scope:
    partnership_ids: tuple[int, ...]
    period: Period
    now: datetime = field(default_factory=timezone.now)
    want_people: bool = False
    _memo: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> datetime:
        return self.period.bounds()[0]

    @property
    def end(self) -> datetime:
        return self.period.bounds()[1]

    @property
    def end_day(self) -> date:
        return self.period.end

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Worked out once per partnerships and end date: scopes that share `_memo` (the recompute's, for
        a month, the quarter and the year ending with it) share the cohort and the plans at the end."""
        key = f"{key}@{self.partnership_ids}@{self.end.isoformat()}"
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def figure(self, numerator: set[int] | int, denominator: int | None = None) -> Figure:
        if isinstance(numerator, set):
            return Figure(len(numerator), denominator, frozenset(numerator) if self.want_people else None)
        return Figure(numerator, denominator)


@dataclass(frozen=True)
class Source:
    name: str
    unit: str  # count or percent
    params: dict[str, tuple[Any, ...] | type]  # allowed values, or int for a positive whole number
    fn: Callable[..., Figure]
    people: str = "children"  # what the numerator counts: children, contacts, episodes, ...
    # How a longer period's figure relates to its months: "at_end" (counted at the period's end: the same
    # as the month that ends it), "additive" (the sum of its months' numerators and denominators) or
    # "distinct" (children counted once over the whole period: counted afresh).
    kind: str = "additive"
    # How figures for several partnerships combine: "sum" (numerators and denominators add up), or
    # "recount" (a median or a longest does not add up: the pan-area figure is counted afresh).
    combine: str = "sum"


SOURCES: dict[str, Source] = {}


def source(
    name: str,
    unit: str,
    params: dict[str, tuple[Any, ...] | type] | None = None,
    people: str = "children",
    kind: str = "additive",
    combine: str = "sum",
) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    def register(fn: Callable[..., Figure]) -> Callable[..., Figure]:
        SOURCES[name] = Source(name, unit, params or {}, fn, people, kind, combine)
        return fn

    return register


def compute(name: str, scope: Scope, params: dict[str, Any]) -> Figure:
    return SOURCES[name].fn(scope, **params)


# The cohort: children at risk at the end of the period -----------------------------------------------


@dataclass(frozen=True)
class AtRisk:
    level: str  # low, medium, high or not_screened
    models: frozenset[str]


LEVEL_NAMES: dict[int, str] = {Level.LOW: "low", Level.MEDIUM: "medium", Level.HIGH: "high"}
CONCERN_MODELS = {
    "sexual_exploitation": "cse",
    "older_associates": "cse",
    "sexual_health": "cse",
    "county_lines": "county_lines",
    "gang_association": "county_lines",
    "weapons": "cce",
    "online_contact": "online",
    "trafficking": "trafficking",
}
INDICATOR_MODELS = {"cse_online": "online", "cce_county_lines": "county_lines", "cce_gang": "county_lines"}


def _children(scope: Scope) -> Q:
    return Q(person__partnership_id__in=scope.partnership_ids, person__kind=Person.Kind.CHILD)


def cohort(scope: Scope) -> dict[int, AtRisk]:
    return scope.memo("cohort", lambda: _cohort(scope))


def cohort_levels(scope: Scope) -> dict[int, str]:
    """{child at risk at the end: their level}: the cohort without its models of exploitation, so without
    reading a year of contacts' concerns (which only add models). For pages that need only the level."""
    whole = f"cohort@{scope.partnership_ids}@{scope.end.isoformat()}"
    if whole in scope._memo:
        return {k: v.level for k, v in scope._memo[whole].items()}
    return scope.memo(
        "cohort_levels", lambda: {k: v.level for k, v in _cohort(scope, with_models=False).items()}
    )


def _cohort(scope: Scope, *, with_models: bool = True) -> dict[int, AtRisk]:
    end = scope.end
    models: dict[int, set[str]] = defaultdict(set)
    flagged = (
        Flag.objects.filter(_children(scope), kind__in=[Flag.Kind.CSE, Flag.Kind.CCE], set_at__lt=end)
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gte=end))
        .values_list("person_id", "kind")
    )
    for person_id, kind in flagged:
        models[person_id].add(kind)
    latest: dict[int, tuple[datetime, int, dict[str, Any]]] = {}
    screenings = Screening.objects.filter(
        partnership_id__in=scope.partnership_ids,
        person__isnull=False,
        status=Screening.Status.COMPLETE,
        completed_at__lt=end,
        completed_at__gte=end - YEAR,
    ).values_list("person_id", "completed_at", "judgement", "answers")
    for person_id, at, judgement, answers in screenings:
        if person_id not in latest or at > latest[person_id][0]:
            latest[person_id] = (at, judgement, answers or {})
    out: dict[int, AtRisk] = {}
    at_risk = set(models) | {pid for pid, (_at, judgement, _a) in latest.items() if judgement > Level.NONE}
    for person_id in at_risk:
        found = set(models.get(person_id, ()))
        level = "not_screened"
        if person_id in latest:
            _at, judgement, answers = latest[person_id]
            level = LEVEL_NAMES.get(judgement, "not_screened")
            for code in answers:
                if code.startswith("cse_"):
                    found.add("cse")
                elif code.startswith("cce_"):
                    found.add("cce")
                if code in INDICATOR_MODELS:
                    found.add(INDICATOR_MODELS[code])
        out[person_id] = AtRisk(level, frozenset(found))
    if out and with_models:
        concerns = Contact.objects.filter(
            partnership_id__in=scope.partnership_ids,
            person_id__in=list(out),
            received_at__lt=end,
            received_at__gte=end - YEAR,
        ).values_list("person_id", "concerns")
        extra: dict[int, set[str]] = defaultdict(set)
        for person_id, listed in concerns:
            for concern in listed or ():
                if concern in CONCERN_MODELS:
                    extra[person_id].add(CONCERN_MODELS[concern])
        for person_id, more in extra.items():
            have = out[person_id]
            out[person_id] = AtRisk(have.level, have.models | more)
    return out


def at_risk_among(scope: Scope, person_ids: set[int]) -> set[int]:
    """Which of these children were at risk at the end of the period (the cohort's rule, asked only about
    a few children: the cohort itself when it is already worked out for the scope)."""
    key = f"cohort@{scope.partnership_ids}@{scope.end.isoformat()}"
    if key in scope._memo:
        return person_ids & set(scope._memo[key])
    if not person_ids:
        return set()
    end = scope.end
    flagged = set(
        Flag.objects.filter(
            person_id__in=list(person_ids), kind__in=[Flag.Kind.CSE, Flag.Kind.CCE], set_at__lt=end
        )
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gte=end))
        .values_list("person_id", flat=True)
    )
    latest: dict[int, tuple[datetime, int]] = {}
    for person_id, at, judgement in Screening.objects.filter(
        partnership_id__in=scope.partnership_ids,
        person_id__in=list(person_ids),
        status=Screening.Status.COMPLETE,
        completed_at__lt=end,
        completed_at__gte=end - YEAR,
    ).values_list("person_id", "completed_at", "judgement"):
        if person_id not in latest or at > latest[person_id][0]:
            latest[person_id] = (at, judgement)
    return flagged | {pid for pid, (_at, judgement) in latest.items() if judgement > Level.NONE}


def _model_matches(found: frozenset[str], model: str) -> bool:
    cse = "cse" in found or "online" in found
    cce = "cce" in found or "county_lines" in found
    if model == "any":
        return True
    if model == "cse":
        return cse and not cce
    if model == "cce":
        return cce and not cse
    if model == "both":
        return cse and cce
    return model in found


@source(
    "at_risk",
    "count",
    {
        "level": ("any", "low", "medium", "high", "not_screened"),
        "model": ("any", "cse", "cce", "both", "county_lines", "online", "trafficking"),
    },
    kind="at_end",
)
def at_risk(scope: Scope, level: str = "any", model: str = "any") -> Figure:
    children = {
        pid
        for pid, child in cohort(scope).items()
        if (level == "any" or child.level == level) and _model_matches(child.models, model)
    }
    return scope.figure(children)


# Screenings and referrals ---------------------------------------------------------------------------


def _in_period(field_name: str, scope: Scope) -> dict[str, datetime]:
    return {f"{field_name}__gte": scope.start, f"{field_name}__lt": scope.end}


@source("screenings_completed", "count", people="screenings")
def screenings_completed(scope: Scope) -> Figure:
    rows = Screening.objects.filter(
        partnership_id__in=scope.partnership_ids,
        status=Screening.Status.COMPLETE,
        **_in_period("completed_at", scope),
    ).values_list("person_id", flat=True)
    ids = list(rows)
    if scope.want_people:
        return Figure(len(ids), None, frozenset(p for p in ids if p))
    return Figure(len(ids))


@source("exploitation_contacts", "count", people="contacts")
def exploitation_contacts(scope: Scope) -> Figure:
    """Contacts received in the period that are screenings or name an exploitation concern."""
    rows = Contact.objects.filter(
        partnership_id__in=scope.partnership_ids, **_in_period("received_at", scope)
    ).values_list("person_id", "kind", "concerns")
    count, people = 0, set()
    for person_id, kind, concerns in rows:
        if kind == Contact.Kind.SCREENING or EXPLOITATION.intersection(concerns or ()):
            count += 1
            if person_id:
                people.add(person_id)
    return Figure(count, None, frozenset(people) if scope.want_people else None)


@source("first_screening_high", "percent")
def first_screening_high(scope: Scope) -> Figure:
    """Of the children first screened in the period, the share judged high at that first screening."""
    in_period = set(
        Screening.objects.filter(
            partnership_id__in=scope.partnership_ids,
            person__isnull=False,
            status=Screening.Status.COMPLETE,
            **_in_period("completed_at", scope),
        ).values_list("person_id", flat=True)
    )
    first: dict[int, tuple[datetime, int]] = {}
    for person_id, at, judgement in Screening.objects.filter(
        person_id__in=in_period, status=Screening.Status.COMPLETE, completed_at__lt=scope.end
    ).values_list("person_id", "completed_at", "judgement"):
        if person_id not in first or at < first[person_id][0]:
            first[person_id] = (at, judgement)
    firsts = {pid for pid, (at, _j) in first.items() if at >= scope.start}
    high = {pid for pid in firsts if first[pid][1] == Level.HIGH}
    return scope.figure(high, len(firsts))


@source("re_referrals", "percent", people="referrals")
def re_referrals(scope: Scope) -> Figure:
    """Of the referrals to children's social care received in the period, those about a child referred
    before within the 12 months up to it."""
    referrals = Contact.objects.filter(
        partnership_id__in=scope.partnership_ids, person__isnull=False, decision=Contact.Decision.REFERRAL
    )
    in_period = list(
        referrals.filter(**_in_period("received_at", scope)).values_list("person_id", "received_at")
    )
    earlier: dict[int, list[datetime]] = defaultdict(list)
    for person_id, at in referrals.filter(
        person_id__in={p for p, _ in in_period},
        received_at__gte=scope.start - YEAR,
        received_at__lt=scope.end,
    ).values_list("person_id", "received_at"):
        earlier[person_id].append(at)
    again = [
        (person_id, at)
        for person_id, at in in_period
        if any(at - YEAR <= before < at for before in earlier[person_id])
    ]
    people = {p for p, _ in again}
    return Figure(len(again), len(in_period), frozenset(people) if scope.want_people else None)


# Missing from home and care ---------------------------------------------------------------------------

CATEGORY = ("any", "missing", "absent")
SETTING = ("any", "home", "care")


def _episodes(scope: Scope, category: str = "any", setting: str = "any") -> list[tuple[int, int | None]]:
    qs = MissingEpisode.objects.filter(
        partnership_id__in=scope.partnership_ids, **_in_period("last_seen_at", scope)
    )
    if category != "any":
        qs = qs.filter(category=category)
    if setting != "any":
        qs = qs.filter(setting=setting)
    return list(qs.values_list("pk", "person_id"))


@source("missing_children", "count", {"category": CATEGORY, "setting": SETTING}, kind="distinct")
def missing_children(scope: Scope, category: str = "any", setting: str = "any") -> Figure:
    """Children (identified) with an episode that began in the period."""
    return scope.figure({p for _pk, p in _episodes(scope, category, setting) if p})


@source("missing_episodes", "count", {"category": CATEGORY, "setting": SETTING}, people="episodes")
def missing_episodes(scope: Scope, category: str = "any", setting: str = "any") -> Figure:
    rows = _episodes(scope, category, setting)
    people = frozenset(p for _pk, p in rows if p) if scope.want_people else None
    return Figure(len(rows), None, people)


@source("repeat_missing", "count", {"min_episodes": int, "category": CATEGORY}, kind="distinct")
def repeat_missing(scope: Scope, min_episodes: int = 3, category: str = "any") -> Figure:
    """Children with at least `min_episodes` episodes beginning in the period."""
    counts = Counter(p for _pk, p in _episodes(scope, category) if p)
    return scope.figure({p for p, n in counts.items() if n >= min_episodes})


@source("found_outside_children", "count", kind="distinct")
def found_outside_children(scope: Scope) -> Figure:
    """Children (identified) found outside the partnership's area at the end of an episode that ended
    (they were found or came back) in the period."""
    return scope.figure(set(_found_outside(scope).values()) - {None})  # type: ignore[arg-type]


@source("found_outside_episodes", "count", people="episodes")
def found_outside_episodes(scope: Scope) -> Figure:
    """Episodes that ended in the period with the child found outside the partnership's area."""
    rows = _found_outside(scope)
    people = frozenset(p for p in rows.values() if p) if scope.want_people else None
    return Figure(len(rows), None, people)


def _found_outside(scope: Scope) -> dict[int, int | None]:
    return dict(
        MissingEpisode.objects.filter(
            partnership_id__in=scope.partnership_ids,
            found_outside_area=True,
            **_in_period("returned_at", scope),
        ).values_list("pk", "person_id")
    )


@source(
    "return_interviews", "percent", {"outcome": ("offered_72h", "completed", "completed_72h", "declined")}
)
def return_interviews(scope: Scope, outcome: str = "offered_72h") -> Figure:
    """Of the return home interviews due for returns in the period: offered within 72 hours, completed,
    completed within 72 hours, or declined."""
    rows = list(
        ReturnInterview.objects.filter(
            partnership_id__in=scope.partnership_ids, **_in_period("episode__returned_at", scope)
        ).values_list("episode__person_id", "offered_at", "offer_due_at", "completed_at", "response")
    )

    def met(offered: Any, due: Any, completed: Any, response: str) -> bool:
        if outcome == "offered_72h":
            return offered is not None and offered <= due
        if outcome == "completed":
            return completed is not None
        if outcome == "completed_72h":
            return completed is not None and completed <= due
        return response == ReturnInterview.Response.DECLINED

    people = {r[0] for r in rows if r[0] and met(*r[1:])}
    n = sum(1 for r in rows if met(*r[1:]))
    return Figure(n, len(rows), frozenset(people) if scope.want_people else None)


# The front door and meetings ---------------------------------------------------------------------------


def _contacts_rate(scope: Scope, due: Q, met: Q) -> Figure:
    qs = Contact.objects.filter(partnership_id__in=scope.partnership_ids, **_in_period("received_at", scope))
    counted = qs.filter(due)
    total = counted.count()
    done = counted.filter(met)
    people = None
    if scope.want_people:
        people = frozenset(p for p in done.values_list("person_id", flat=True) if p)
    return Figure(done.count(), total, people)


@source("contacts_reviewed_on_time", "percent", people="contacts")
def contacts_reviewed_on_time(scope: Scope) -> Figure:
    """Contacts received in the period whose management review was within 24 hours; a contact still
    inside its 24 hours when the figure is made is not counted either way."""
    return _contacts_rate(scope, review_due_by(scope.now), REVIEW_MET)


@source("contacts_decided_on_time", "percent", people="contacts")
def contacts_decided_on_time(scope: Scope) -> Figure:
    """Contacts received in the period decided by the end of the working day (the same-day standard)."""
    return _contacts_rate(scope, decision_due_by(scope.now), DECISION_MET)


@source("strategy_held_in_time", "percent", {"within_working_days": int}, people="episodes")
def strategy_held_in_time(scope: Scope, within_working_days: int = 1) -> Figure:
    """Of the strategy meetings the 48-hour rule required in the period, those held by the end of the
    working day `within_working_days` after the requirement."""
    rows = list(
        StrategyRequirement.objects.filter(
            partnership_id__in=scope.partnership_ids, **_in_period("required_at", scope)
        ).values_list("episode__person_id", "required_at", "held_at")
    )

    def in_time(required: datetime, held: datetime | None) -> bool:
        if held is None:
            return False
        day = clocks.add_working_days(required.astimezone(clocks.LONDON).date(), within_working_days)
        return held.astimezone(clocks.LONDON).date() <= day

    met = [(p, r, h) for p, r, h in rows if in_time(r, h)]
    people = frozenset(p for p, *_ in met if p) if scope.want_people else None
    return Figure(len(met), len(rows), people)


@source(
    "minutes_shared_on_time",
    "percent",
    {"kind": ("any", "strategy", "mace", "plan_review")},
    people="meetings",
)
def minutes_shared_on_time(scope: Scope, kind: str = "strategy") -> Figure:
    """Of the meetings held in the period whose 10 days for the minutes have run out, those whose
    minutes reached every invitee within the 10 days."""
    qs = Meeting.objects.filter(
        partnership_id__in=scope.partnership_ids,
        held_at__isnull=False,
        minutes_due_at__lte=scope.now,
        **_in_period("held_at", scope),
    )
    if kind != "any":
        qs = qs.filter(kind=kind)
    rows = list(qs.values_list("pk", "minutes_shared_at", "minutes_due_at"))
    met = {pk for pk, shared, due in rows if shared is not None and due is not None and shared <= due}
    people = None
    if scope.want_people and met:
        people = frozenset(
            Meeting.children.through.objects.filter(meeting_id__in=met).values_list("person_id", flat=True)
        )
    return Figure(len(met), len(rows), people)


# The cohort's status at the end of the period -----------------------------------------------------------


def _plans_at_end(
    scope: Scope, person_ids: list[int] | None = None
) -> dict[int, tuple[str, str, bool, datetime]]:
    """Each child's plan as it stood at the end: {person: (plan type, status, has contingency, first
    agreed)} from the latest version saved before the end."""

    def build() -> dict[int, tuple[str, str, bool, datetime]]:
        qs = PlanVersion.objects.filter(
            plan__partnership_id__in=scope.partnership_ids, created_at__lt=scope.end
        )
        out: dict[int, tuple[str, str, bool, datetime]] = {}
        started: dict[int, datetime] = {}
        for person_id, at, plan_type, status, contingency in qs.order_by("created_at", "pk").values_list(
            "plan__person_id", "created_at", "plan_type", "status", "contingency"
        ):
            if status == PlanStatus.AGREED and person_id not in started:
                started[person_id] = at
            out[person_id] = (
                plan_type,
                status,
                bool((contingency or "").strip()),
                started.get(person_id, at),
            )
        return out

    return scope.memo("plans_at_end", build)


@source(
    "cohort_plan_type",
    "percent",
    {"plan_type": ("early_help", "child_in_need", "child_protection", "cared_for", "none")},
    kind="at_end",
)
def cohort_plan_type(scope: Scope, plan_type: str = "none") -> Figure:
    """Of the children at risk at the end of the period, those whose agreed plan was of this type (none:
    no agreed plan)."""
    children = cohort(scope)
    plans = _plans_at_end(scope)

    def kind(pid: int) -> str:
        plan = plans.get(pid)
        return plan[0] if plan and plan[1] == PlanStatus.AGREED else "none"

    return scope.figure({pid for pid in children if kind(pid) == plan_type}, len(children))


EDUCATION_KINDS = ("education", "tuition")


@source(
    "cohort_education",
    "percent",
    {"status": ("full_time", "below_10", "none"), "sessions": int},
    kind="at_end",
)
def cohort_education(scope: Scope, status: str = "full_time", sessions: int = 10) -> Figure:
    """Of the children at risk at the end of the period, by their education timetable on the last day:
    full time (at least `sessions` half-day sessions a week), below that, or none."""
    from mace.casework.models import TimetableSession

    children = cohort(scope)
    day = scope.end_day - timedelta(days=1)
    counts = Counter(
        TimetableSession.objects.filter(
            person_id__in=list(children), kind__in=EDUCATION_KINDS, active_from__lte=day
        )
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=day))
        .values_list("person_id", flat=True)
    )

    def band(pid: int) -> str:
        n = counts.get(pid, 0)
        return "none" if n == 0 else ("full_time" if n >= sessions else "below_10")

    return scope.figure({pid for pid in children if band(pid) == status}, len(children))


@source("plans_with_contingency", "percent", kind="at_end")
def plans_with_contingency(scope: Scope) -> Figure:
    """Of the children at risk with an agreed plan at the end of the period, those whose plan has a
    contingency (4.4)."""
    plans = _plans_at_end(scope)
    agreed = {pid for pid in cohort(scope) if pid in plans and plans[pid][1] == PlanStatus.AGREED}
    return scope.figure({pid for pid in agreed if plans[pid][2]}, len(agreed))


@source("plans_reviewed_on_time", "percent", {"within_days": int}, kind="at_end")
def plans_reviewed_on_time(scope: Scope, within_days: int = 92) -> Figure:
    """Of the agreed plans of children at risk at the end of the period, those reviewed (or first agreed)
    within `within_days` days before the end."""
    plans = _plans_at_end(scope)
    agreed = {pid for pid in cohort(scope) if pid in plans and plans[pid][1] == PlanStatus.AGREED}
    since = scope.end_day - timedelta(days=within_days)
    reviewed = set(
        PlanReview.objects.filter(
            plan__person_id__in=list(agreed), held_on__gte=since, held_on__lt=scope.end_day
        ).values_list("plan__person_id", flat=True)
    )
    new = {pid for pid in agreed if plans[pid][3].astimezone(clocks.LONDON).date() >= since}
    return scope.figure(reviewed | new, len(agreed))


@source("supervision_on_time", "percent", kind="at_end")
def supervision_on_time(scope: Scope) -> Figure:
    """Of the children at risk allocated to a worker at the end of the period, those whose case
    supervision was not overdue then."""
    from mace.casework.models import Supervision

    children = list(cohort(scope))
    allocated = set(
        Involvement.objects.filter(
            person_id__in=children, kind=Involvement.Kind.ALLOCATED, started_at__lt=scope.end
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=scope.end))
        .values_list("person_id", flat=True)
    )
    latest: dict[int, tuple[date, date]] = {}
    for person_id, held, due in Supervision.objects.filter(
        person_id__in=list(allocated), held_on__lt=scope.end_day
    ).values_list("person_id", "held_on", "next_due_on"):
        if person_id not in latest or held > latest[person_id][0]:
            latest[person_id] = (held, due)
    on_time = {pid for pid, (_held, due) in latest.items() if due >= scope.end_day - timedelta(days=1)}
    return scope.figure(on_time, len(allocated))


@source("voice_recent", "percent", {"within_days": int}, kind="at_end")
def voice_recent(scope: Scope, within_days: int = 92) -> Figure:
    """Of the children at risk at the end of the period, those whose own words were recorded in the
    `within_days` days before it (anywhere MACE records them: visits, interviews, screenings, plans…)."""
    children = cohort(scope)
    heard = voice.last_heard(children, before=scope.end)
    since = scope.end - timedelta(days=within_days)
    return scope.figure({pid for pid, (at, _where) in heard.items() if at >= since}, len(children))


# Impact: are children safer since their plan started? ---------------------------------------------------


@source(
    "plan_impact",
    "percent",
    {
        "outcome": ("risk_reduced_at_review", "missing_down_after_plan", "education_up_after_plan"),
        "months": int,
    },
    kind="at_end",
)
def plan_impact(scope: Scope, outcome: str = "risk_reduced_at_review", months: int = 6) -> Figure:
    """Of the children whose plan was first agreed in the calendar month that began `months` months
    before the period's end, those whose risk is lower, whose missing episodes are fewer, or whose
    education attendance is higher in the 90 days after the start than the 90 before (oversight.impact)."""
    from .impact import impact_measures

    found = scope.memo(
        f"impact:{months}", lambda: impact_measures(list(scope.partnership_ids), scope.end, months)
    )
    numerator, denominator, people = found[outcome]
    return Figure(numerator, denominator, frozenset(people) if scope.want_people else None)


# Waits for an autism or ADHD assessment (action 3.4) ---------------------------------------------------


def _waiting_at_risk(scope: Scope) -> dict[int, tuple[int, bool]]:
    """{child at risk at the end: (their longest wait in whole weeks then, any waiting referral
    fast-tracked)} for the children at risk waiting for an autism or ADHD assessment on the period's last
    day. A child waiting for both counts once, at their longer wait."""

    def build() -> dict[int, tuple[int, bool]]:
        day = scope.end_day - timedelta(days=1)
        waits = health_selectors.waiting_on(scope.partnership_ids, day)
        at_risk = at_risk_among(scope, {w.person_id for w in waits})
        out: dict[int, tuple[int, bool]] = {}
        for w in waits:
            if w.person_id not in at_risk:
                continue
            weeks, fast = out.get(w.person_id, (0, False))
            out[w.person_id] = (max(weeks, w.weeks(day)), fast or w.fast_track)
        return out

    return scope.memo("assessment_waiting", build)


@source("assessment_waiting", "count", kind="at_end")
def assessment_waiting(scope: Scope) -> Figure:
    """Children at risk at the end of the period waiting then for an autism or ADHD assessment."""
    return scope.figure(set(_waiting_at_risk(scope)))


@source(
    "assessment_wait_weeks", "weeks", {"statistic": ("median", "longest")}, kind="at_end", combine="recount"
)
def assessment_wait_weeks(scope: Scope, statistic: str = "median") -> Figure:
    """Of the children at risk waiting for an autism or ADHD assessment at the end of the period, the
    median (the lower middle one of an even number) or the longest wait in whole weeks since referral."""
    waiting = _waiting_at_risk(scope)
    weeks = sorted(w for w, _fast in waiting.values())
    if not weeks:
        return Figure(0, 0, frozenset() if scope.want_people else None)
    value = weeks[-1] if statistic == "longest" else weeks[(len(weeks) - 1) // 2]
    return Figure(value, len(weeks), frozenset(waiting) if scope.want_people else None)


@source("assessment_fast_tracked", "percent", kind="at_end")
def assessment_fast_tracked(scope: Scope) -> Figure:
    """Of the children at risk waiting for an autism or ADHD assessment at the end of the period, those
    whose referral (either, when waiting for both) was fast-tracked."""
    waiting = _waiting_at_risk(scope)
    return scope.figure({pid for pid, (_w, fast) in waiting.items() if fast}, len(waiting))


# Training on exploitation (5.1): read through improvement's training selectors ------------------------------


@source("training_compliance", "percent", people="practitioners", kind="at_end")
def training_compliance(scope: Scope) -> Figure:
    """Of the practitioners in teams that must be trained to a level (teams that work with exploited
    children), on the last day of the period, those trained to their team's level in the three years
    before (`improvement.training.selectors.compliance_in`: the same figure as the training page)."""
    from mace.improvement.training import selectors as training

    found = training.compliance_in(scope.partnership_ids, scope.end_day - timedelta(days=1))
    return Figure(found.trained, found.counted)


@source("training_practice_changed", "percent", people="follow-ups")
def training_practice_changed(scope: Scope) -> Figure:
    """Of the three-month follow-ups held (dated) in the period, those where the attendee and their
    manager said practice had changed (5.1e)."""
    from mace.improvement.training import selectors as training

    changed, total = training.practice_changed_in(scope.partnership_ids, scope.start.date(), scope.end_day)
    return Figure(changed, total)


# Figures computed by the modules beside oversight (the network's disruption and NRM counts) --------------


def adopt_registered() -> None:
    """Make each figure registered in `core.figures` a source of the same name (see that module)."""
    from mace.core import figures

    for f in figures.FIGURES.values():

        def compute_registered(scope: Scope, _f: figures.Figure = f) -> Figure:
            numerator, denominator, people = _f.fn(scope.partnership_ids, scope.start, scope.end, scope.now)
            return Figure(numerator, denominator, people if scope.want_people else None)

        SOURCES[f.name] = Source(f.name, f.unit, {}, compute_registered, f.people, f.kind)
