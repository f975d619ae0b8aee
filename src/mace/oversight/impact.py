"""Impact per child (6.3): is the child safer since the plan started?

Around each start of a child's plan (the first agreed version) and each change of plan type, MACE compares
the 90 days before with the 90 days after (or the days since, if fewer):
- risk: the judgement of the latest screening before the start against the latest one after it;
- missing episodes per 90 days;
- education sessions attended per week (from the activity timetable's weekly attendance);
- whether the child was heard (their own words recorded) in each window;
- safer, not safer or unclear: the latest plan review or case supervision after the start.

For leaders the same comparison is counted over the children whose plan started 3, 6 and 12 months before
a period's end (`cohorts`), and three scorecard measures come from it (`impact_measures`).

What it cannot show: there is no control group (children without a plan are not comparable), risk often
falls back from a peak whatever is done (regression to the mean), and a child with no screening, episode
or attendance recorded in a window is counted as unclear, never as improved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from mace.casework.models import SessionAttendance, Supervision
from mace.core import clocks, voice
from mace.missing.models import MissingEpisode
from mace.plans.models import PlanReview, PlanStatus, PlanType, PlanVersion
from mace.screening.models import Level, Screening

WINDOW = timedelta(days=90)
MIN_AFTER = timedelta(days=28)  # fewer days after the start than this: too soon to compare
LEVELS = {Level.NONE: "No concerns", Level.LOW: "Low", Level.MEDIUM: "Medium", Level.HIGH: "High"}
SAFER = {"yes": "safer", "no": "not safer"}  # "partly", or nothing recorded: unclear


@dataclass(frozen=True)
class Start:
    at: datetime
    plan_type: str
    first: bool  # the plan's first agreement, rather than a change of type

    @property
    def label(self) -> str:
        kind = PlanType(self.plan_type).label.lower() if self.plan_type in PlanType.values else self.plan_type
        return f"Plan agreed ({kind})" if self.first else f"Plan changed to {kind}"


@dataclass
class Comparison:
    start: Start
    after_days: int
    risk_before: int | None
    risk_after: int | None
    missing_before: int
    missing_after: int
    education_before: float | None
    education_after: float | None
    heard_before: bool
    heard_after: bool
    safer: str  # safer, not safer, unclear

    @property
    def comparable(self) -> bool:
        return self.after_days * 86400 >= MIN_AFTER.total_seconds()

    @property
    def missing_after_per_90(self) -> float | None:
        if not self.comparable:
            return None
        return self.missing_after * 90 / max(self.after_days, 1)

    @property
    def risk(self) -> str:
        if self.risk_before is None or self.risk_after is None or not self.comparable:
            return "unclear"
        if self.risk_after < self.risk_before:
            return "lower"
        return "higher" if self.risk_after > self.risk_before else "the same"

    @property
    def missing(self) -> str:
        after = self.missing_after_per_90
        if after is None or (self.missing_before == 0 and self.missing_after == 0):
            return "unclear" if after is None else "none before or after"
        if after < self.missing_before:
            return "fewer"
        return "more" if after > self.missing_before else "the same"

    @property
    def education(self) -> str:
        if self.education_before is None or self.education_after is None or not self.comparable:
            return "unclear"
        if self.education_after > self.education_before:
            return "more"
        return "less" if self.education_after < self.education_before else "the same"


@dataclass
class Facts:
    """Everything the comparison reads, for a set of children, loaded in one query per kind."""

    versions: dict[int, list[tuple[datetime, str, str]]] = field(default_factory=lambda: defaultdict(list))
    screenings: dict[int, list[tuple[datetime, int]]] = field(default_factory=lambda: defaultdict(list))
    episodes: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    attendance: dict[int, list[tuple[date, bool]]] = field(default_factory=lambda: defaultdict(list))
    safer: dict[int, list[tuple[date, str]]] = field(default_factory=lambda: defaultdict(list))


def load(
    person_ids: list[int] | None = None,
    partnership_ids: list[int] | None = None,
    *,
    only: Callable[[Facts], set[int]] | None = None,
) -> Facts:
    """The plan versions of these children (or of every child with a plan in these partnerships), then the
    screenings, episodes, attendance and reviews of those children: of only those `only` picks from the
    versions, when given (the leaders' cohorts need a few hundred children's records, not every child's
    with a plan)."""
    facts = Facts()
    versions = PlanVersion.objects.all()
    if person_ids is not None:
        versions = versions.filter(plan__person_id__in=person_ids)
    if partnership_ids is not None:
        versions = versions.filter(plan__partnership_id__in=partnership_ids)
    for pid, at, plan_type, status in versions.order_by("created_at", "pk").values_list(
        "plan__person_id", "created_at", "plan_type", "status"
    ):
        facts.versions[pid].append((at, plan_type, status))
    ids = list(facts.versions) if person_ids is None else person_ids
    if only is not None:
        ids = sorted(only(facts))
    for pid, at, judgement in Screening.objects.filter(
        person_id__in=ids, status=Screening.Status.COMPLETE
    ).values_list("person_id", "completed_at", "judgement"):
        facts.screenings[pid].append((at, judgement))
    for pid, at in MissingEpisode.objects.filter(
        person_id__in=ids, category=MissingEpisode.Category.MISSING
    ).values_list("person_id", "last_seen_at"):
        facts.episodes[pid].append(at)
    for pid, week, attended in SessionAttendance.objects.filter(
        session__person_id__in=ids, session__kind__in=("education", "tuition")
    ).values_list("session__person_id", "week_starting", "attended"):
        facts.attendance[pid].append((week, attended))
    for pid, held, safer in PlanReview.objects.filter(plan__person_id__in=ids).values_list(
        "plan__person_id", "held_on", "child_safer"
    ):
        facts.safer[pid].append((held, safer))
    for pid, held, safer in Supervision.objects.filter(person_id__in=ids).values_list(
        "person_id", "held_on", "safer"
    ):
        facts.safer[pid].append((held, safer))
    return facts


def starts(versions: list[tuple[datetime, str, str]]) -> list[Start]:
    """The first agreed version, and each agreed version whose type differs from the previous agreed one."""
    out: list[Start] = []
    current: str | None = None
    for at, plan_type, status in versions:
        if status != PlanStatus.AGREED:
            continue
        if current is None:
            out.append(Start(at, plan_type, True))
        elif plan_type != current:
            out.append(Start(at, plan_type, False))
        current = plan_type
    return out


def _local_day(at: datetime) -> date:
    return at.astimezone(clocks.LONDON).date()


def _per_week(rows: list[tuple[date, bool]], since: date, until: date) -> float | None:
    weeks: dict[date, int] = defaultdict(int)
    for week, attended in rows:
        if since <= week < until:
            weeks[week] += 1 if attended else 0
    return sum(weeks.values()) / len(weeks) if weeks else None


def compare(
    pid: int, start: Start, facts: Facts, as_of: datetime, heard: dict[datetime, set[int]]
) -> Comparison:
    before_from, after_to = start.at - WINDOW, min(start.at + WINDOW, as_of)
    shots = sorted(facts.screenings.get(pid, []))
    before = [j for at, j in shots if at < start.at]
    after = [j for at, j in shots if start.at <= at < after_to]
    episodes = facts.episodes.get(pid, [])
    day, end_day = _local_day(start.at), _local_day(after_to)
    safer = "unclear"
    latest = [(held, s) for held, s in facts.safer.get(pid, []) if day <= held <= end_day]
    if latest:
        safer = SAFER.get(max(latest)[1], "unclear")
    return Comparison(
        start=start,
        after_days=max(0, (after_to - start.at).days),
        risk_before=before[-1] if before else None,
        risk_after=after[-1] if after else None,
        missing_before=sum(1 for at in episodes if before_from <= at < start.at),
        missing_after=sum(1 for at in episodes if start.at <= at < after_to),
        education_before=_per_week(facts.attendance.get(pid, []), _local_day(before_from), day),
        education_after=_per_week(facts.attendance.get(pid, []), day, end_day),
        heard_before=pid in heard.get(start.at, set()),
        heard_after=pid in heard.get(after_to, set()),
        safer=safer,
    )


def _heard_in(pids: list[int], at: datetime) -> set[int]:
    """The children whose words were recorded in the 90 days before `at`."""
    return {pid for pid, (when, _where) in voice.last_heard(pids, before=at).items() if when >= at - WINDOW}


# On the child's record ---------------------------------------------------------------------------------


def child_impact(person_id: int, *, now: datetime | None = None) -> list[Comparison]:
    now = now or timezone.now()
    facts = load(person_ids=[person_id])
    out = []
    for start in starts(facts.versions.get(person_id, [])):
        after_to = min(start.at + WINDOW, now)
        heard = {start.at: _heard_in([person_id], start.at), after_to: _heard_in([person_id], after_to)}
        out.append(compare(person_id, start, facts, now, heard))
    return out


def record_section(person: Any, user: Any) -> dict[str, Any] | None:
    """The impact section of the child's record: nothing until the child has an agreed plan."""
    from . import charts

    comparisons = child_impact(person.pk)
    if not comparisons:
        return None
    latest = comparisons[-1]
    bars: list[tuple[str, float]] = [("Missing episodes, 90 days before", float(latest.missing_before))]
    if latest.missing_after_per_90 is not None:
        bars.append(("Missing episodes per 90 days since", round(latest.missing_after_per_90, 1)))
    chart = charts.bar_chart(
        tuple(bars),
        description=f"Missing episodes before and after: {latest.start.label}. The table below gives each.",
        width=420,
    )
    return {"comparisons": comparisons, "chart": chart, "levels": LEVELS, "person": person}


# For leaders ------------------------------------------------------------------------------------------


@dataclass
class Cohort:
    months: int  # the plans started this many months before the period's end
    children: int
    risk_lower: int
    risk_known: int
    missing_fewer: int
    missing_known: int
    education_more: int
    education_known: int
    safer: int
    not_safer: int
    unclear: int
    people: dict[str, set[int]] = field(default_factory=dict)


def cohorts(partnership_ids: list[int], end: datetime, months: tuple[int, ...] = (3, 6, 12)) -> list[Cohort]:
    """For each k: the children whose plan was first agreed in the calendar month that began k months
    before `end` (for November's figures, k = 3: plans agreed in September), compared over the 90 days
    either side of the start (the after window reaches at most `end`)."""
    from .periods import Period, add_months

    windows = {
        k: Period.ending("month", add_months(end.astimezone(clocks.LONDON).date(), -k)).bounds()
        for k in months
    }

    def first_starts(facts: Facts) -> dict[int, Start]:
        return {pid: s[0] for pid, vs in facts.versions.items() if (s := [x for x in starts(vs) if x.first])}

    def in_a_window(facts: Facts) -> set[int]:
        return {
            pid for pid, s in first_starts(facts).items() if any(a <= s.at < b for a, b in windows.values())
        }

    facts = load(partnership_ids=partnership_ids, only=in_a_window)
    first = first_starts(facts)
    out = []
    for k in months:
        since, to = windows[k]
        chosen = {pid: s for pid, s in first.items() if since <= s.at < to}
        pids = list(chosen)
        heard: dict[datetime, set[int]] = {}
        rows = [compare(pid, s, facts, end, heard) for pid, s in chosen.items()]
        people: dict[str, set[int]] = defaultdict(set)
        for pid, c in zip(pids, rows, strict=True):
            if c.risk == "lower":
                people["risk_reduced_at_review"].add(pid)
            if c.missing == "fewer":
                people["missing_down_after_plan"].add(pid)
            if c.education == "more":
                people["education_up_after_plan"].add(pid)
        out.append(
            Cohort(
                months=k,
                children=len(rows),
                risk_lower=sum(1 for c in rows if c.risk == "lower"),
                risk_known=sum(1 for c in rows if c.risk != "unclear"),
                missing_fewer=sum(1 for c in rows if c.missing == "fewer"),
                missing_known=sum(1 for c in rows if c.missing not in ("unclear", "none before or after")),
                education_more=sum(1 for c in rows if c.education == "more"),
                education_known=sum(1 for c in rows if c.education != "unclear"),
                safer=sum(1 for c in rows if c.safer == "safer"),
                not_safer=sum(1 for c in rows if c.safer == "not safer"),
                unclear=sum(1 for c in rows if c.safer == "unclear"),
                people=dict(people),
            )
        )
    return out


def impact_measures(
    partnership_ids: list[int], end: datetime, months: int = 6
) -> dict[str, tuple[int, int, set[int]]]:
    """(numerator, denominator, children) for the scorecard's impact measures, over the children whose plan
    started `months` months before `end`: risk lower, fewer missing episodes, more education. The
    denominator is every child in that cohort: a child whose change is unclear is not counted improved."""
    (cohort,) = cohorts(partnership_ids, end, (months,))
    return {
        "risk_reduced_at_review": (
            cohort.risk_lower,
            cohort.children,
            cohort.people.get("risk_reduced_at_review", set()),
        ),
        "missing_down_after_plan": (
            cohort.missing_fewer,
            cohort.children,
            cohort.people.get("missing_down_after_plan", set()),
        ),
        "education_up_after_plan": (
            cohort.education_more,
            cohort.children,
            cohort.people.get("education_up_after_plan", set()),
        ),
    }
