"""Improvement's reads, always for a reader: the plans of the partnerships the reader works in (every
partnership for the independent scrutineer), each action with its computed RAG, and what changed since
last month. Plans are partnership business: any signed-in member of a partnership may read them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from mace.accounts.models import Partnership
from mace.core.access import capabilities
from mace.core.clocks import add_calendar_months

from . import rag
from .models import Action, ActionPlan, Evidence, PriorityArea, ProgressUpdate


class NotFound(LookupError):
    """Missing and not the reader's alike."""


def partnership_ids(user: Any) -> list[int]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if capabilities(user).all_partnerships:
        return list(Partnership.objects.values_list("pk", flat=True))
    ids: set[int] = set()
    if user.agency_id:
        ids.update(user.agency.partnerships.values_list("pk", flat=True))
    if user.team_id and user.team.partnership_id:
        ids.add(user.team.partnership_id)
    return sorted(ids)


def plans_for(user: Any) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(partnership_id__in=partnership_ids(user)).select_related("partnership")


def plan_for(user: Any, pk: int) -> ActionPlan:
    plan = plans_for(user).filter(pk=pk).first()
    if plan is None:
        raise NotFound(pk)
    return plan


def _actions(plan: ActionPlan) -> QuerySet[Action]:
    return (
        Action.objects.filter(area__plan=plan)
        .select_related("area")
        .prefetch_related(
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-on", "-recorded_at", "-pk")),
            "evidence",
        )
    )


def action_for(user: Any, plan: ActionPlan, ref: str) -> Action:
    action = _actions(plan).filter(ref=ref).first()
    if action is None:
        raise NotFound(ref)
    return action


def area_for(user: Any, plan: ActionPlan, number: str) -> PriorityArea:
    area = plan.areas.filter(number=number).first()
    if area is None:
        raise NotFound(number)
    return area


@dataclass(frozen=True)
class ActionRow:
    action: Action
    judgement: rag.Judgement
    last_update: ProgressUpdate | None


def as_at(action: Action, on: date) -> ActionRow:
    """The action judged as it stood on `on`: the latest update dated on or before it."""
    updates = [u for u in action.updates.all() if u.on <= on]
    latest = updates[0] if updates else None
    evidence = sum(1 for e in action.evidence.all() if timezone.localdate(e.added_at) <= on)
    if latest is not None:
        owner_rag = latest.rag
    elif action.updates.all():  # every update came later: before the first, the action was in progress
        owner_rag = rag.AMBER
    else:  # never updated: the judgement it was loaded with
        owner_rag = action.owner_rag
    judgement = rag.judge(
        no_evidence_reason=latest.no_evidence_reason if latest else "",
        owner_rag=owner_rag,
        due=action.due,
        today=on,
        last_update=latest.on if latest else None,
        evidence=evidence,
    )
    return ActionRow(action, judgement, latest)


def _today() -> date:
    return timezone.localdate()


@dataclass
class Filters:
    rag: str = ""
    owner: str = ""
    area: str = ""


@dataclass
class AreaBlock:
    area: PriorityArea
    rows: list[ActionRow]


@dataclass
class PlanView:
    plan: ActionPlan
    on: date
    areas: list[AreaBlock]
    counts: Counter[str]
    flagged: int
    owners: list[str]
    area_choices: list[tuple[str, str]]
    total: int = 0
    shown: int = 0
    sections: dict[int, str] = field(default_factory=dict)


def plan_view(
    user: Any, plan: ActionPlan, *, on: date | None = None, filters: Filters | None = None
) -> PlanView:
    on = on or _today()
    filters = filters or Filters()
    areas = list(plan.areas.all())
    rows = [as_at(a, on) for a in _actions(plan)]
    counts: Counter[str] = Counter(r.judgement.colour for r in rows)
    shown = [
        r
        for r in rows
        if (not filters.rag or r.judgement.colour == filters.rag)
        and (not filters.owner or r.action.owner == filters.owner)
        and (not filters.area or r.action.area.number == filters.area)
    ]
    by_area: dict[int, list[ActionRow]] = {}
    for r in shown:
        by_area.setdefault(r.action.area_id, []).append(r)
    return PlanView(
        plan=plan,
        on=on,
        areas=[AreaBlock(a, by_area[a.pk]) for a in areas if a.pk in by_area],
        counts=counts,
        flagged=sum(1 for r in rows if r.judgement.flags),
        owners=sorted({r.action.owner for r in rows}),
        area_choices=[(a.number, f"{a.number} {a.title}") for a in areas],
        total=len(rows),
        shown=len(shown),
        sections={a.section: a.section_title for a in areas},
    )


def area_rows(plan: ActionPlan, area: PriorityArea, on: date | None = None) -> list[ActionRow]:
    on = on or _today()
    return [as_at(a, on) for a in _actions(plan).filter(area=area)]


# The monthly review -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    row: ActionRow
    before: rag.Judgement
    updates: list[ProgressUpdate]

    @property
    def moved(self) -> bool:
        return self.before.colour != self.row.judgement.colour


@dataclass
class Review:
    plan: ActionPlan
    on: date
    since: date
    changes: list[Change]
    quiet_red: list[ActionRow]
    signed_off: list[PriorityArea]
    counts_now: Counter[str]
    counts_before: Counter[str]


def monthly_review(user: Any, plan: ActionPlan, on: date | None = None) -> Review:
    """What changed in the month to `on`: actions whose RAG moved or that had an update, areas the board
    signed off, and the reds nobody has updated for a month (the three JTAI groups' monthly look)."""
    on = on or _today()
    since = add_calendar_months(on, -1)
    changes, quiet, now_c, before_c = [], [], Counter[str](), Counter[str]()
    for action in _actions(plan):
        now_row, before = as_at(action, on), as_at(action, since).judgement
        now_c[now_row.judgement.colour] += 1
        before_c[before.colour] += 1
        updates = [u for u in action.updates.all() if since < u.on <= on]
        if updates or before.colour != now_row.judgement.colour:
            changes.append(Change(now_row, before, updates))
        if any(f.startswith("Red with no update") for f in now_row.judgement.flags):
            quiet.append(now_row)
    signed = [a for a in plan.areas.all() if a.signed_off_on and since < a.signed_off_on <= on]
    return Review(plan, on, since, changes, quiet, signed, now_c, before_c)


def evidence_measures(actions: list[Action]) -> dict[str, str]:
    from mace.oversight import measures

    definition = measures.parse(measures.shipped())
    wanted = {e.measure_code for a in actions for e in a.evidence.all() if e.kind == Evidence.Kind.MEASURE}
    return {m.code: m.title for m in definition.measures if m.code in wanted}


def measure_choices() -> list[tuple[str, str]]:
    from mace.oversight import measures

    definition = measures.parse(measures.shipped())
    return [(m.code, m.title) for m in definition.measures]


def actions_for_api(user: Any, filters: Filters, plan_id: int | None = None) -> list[ActionRow]:
    plans = plans_for(user)
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    out: list[ActionRow] = []
    today = _today()
    for plan in plans:
        for action in _actions(plan):
            row = as_at(action, today)
            if filters.rag and row.judgement.colour != filters.rag:
                continue
            if filters.owner and filters.owner.lower() not in action.owner.lower():
                continue
            if filters.area and action.area.number != filters.area:
                continue
            out.append(row)
    return out


def action_by_ref(user: Any, ref: str, plan_id: int | None = None) -> Action:
    plans = list(plans_for(user).filter(pk=plan_id) if plan_id is not None else plans_for(user))
    found = [a for p in plans for a in _actions(p).filter(ref=ref)]
    if not found:
        raise NotFound(ref)
    if len(found) > 1:
        raise ValidationError({"plan": [f"More than one plan has an action {ref}: name the plan"]})
    return found[0]


# After sign-off: the linked measures keep being watched ---------------------------------------------------


@dataclass(frozen=True)
class Watch:
    code: str
    title: str
    baseline: str  # the period the board saw when it signed off
    then: str
    latest: str
    now: str
    direction: str  # Improving, Worse, No change, No comparison (the scorecard's own words)

    @property
    def fell(self) -> bool:
        return self.direction == "Worse"


def watched_measures(user: Any, area: PriorityArea) -> list[Watch]:
    """For a signed-off area, each scorecard measure linked as evidence to its actions: its figure for the
    last complete month before the sign-off against the latest complete month. A fall is flagged. Only for
    readers of partnership figures (the scorecard's own rule)."""
    from mace.oversight import scorecard
    from mace.oversight.periods import latest_complete

    if not area.signed_off_on or not capabilities(user).aggregates:
        return []
    codes = sorted(
        {
            e.measure_code
            for e in Evidence.objects.filter(action__area=area, kind=Evidence.Kind.MEASURE)
            if e.measure_code
        }
    )
    if not codes:
        return []
    baseline, latest = latest_complete("month", today=area.signed_off_on), latest_complete("month")
    try:
        before = scorecard.build(user, baseline, area.plan.partnership_id, codes=codes)
        after = scorecard.build(user, latest, area.plan.partnership_id, codes=codes)
    except LookupError:
        return []
    out = []
    for code in codes:
        try:
            b, a = before.row(code), after.row(code)
        except (KeyError, LookupError, StopIteration):
            continue
        same = baseline == latest
        out.append(
            Watch(
                code=code,
                title=a.measure.title,
                baseline=baseline.label,
                then=b.current.text,
                latest=latest.label,
                now=a.current.text,
                direction="No comparison" if same else a.measure.direction(a.current.value, b.current.value),
            )
        )
    return out


def falls(user: Any, plan: ActionPlan) -> list[tuple[PriorityArea, Watch]]:
    """Every signed-off area's linked measure that has fallen since the board signed it off."""
    return [
        (area, w)
        for area in plan.areas.filter(signed_off_on__isnull=False)
        for w in watched_measures(user, area)
        if w.fell
    ]


def owner_candidates(partnership_id: int) -> list[Any]:
    """Who may own an action of a partnership's plan: the active users of the partnership (in one of its
    teams, or in an agency that serves it), by name."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(team__partnership_id=partnership_id) | Q(agency__partnerships__id=partnership_id))
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
