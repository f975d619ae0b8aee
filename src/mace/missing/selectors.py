"""Reading missing episodes: every query takes the user and is scoped by the access policy.

* The front door and the police (`missing_list`) see every episode in their partnerships: they share
  the morning list.
* Anyone else who works with records sees the episodes of children they have a relationship with.
* The return home interview service sees the episodes it has been asked to follow up.
* Partnership figures (`aggregates`) carry no names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mace.accounts.models import Agency
from mace.accounts.selectors import agency_partnership_ids
from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people import linkage
from mace.people.matching import Comparison, compare
from mace.people.models import Flag, Involvement, Person
from mace.people.selectors import PersonNotFound, visible_to

from .models import (
    MissingEpisode,
    MissingNotice,
    MorningList,
    ReturnInterview,
    StrategyRequirement,
    TriggerPlan,
)

NOTICE_WITHIN = timedelta(hours=24)  # a notice later than this is a mismatch in the monthly dataset


def episodes_visible_to(user: Any) -> QuerySet[MissingEpisode]:
    caps = capabilities(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MissingEpisode.objects.none()
    condition = Q(reported_by_id=user.pk)
    if caps.missing_list:
        condition |= Q(partnership_id__in=agency_partnership_ids(user))
    if caps.records:
        condition |= Q(person_id__in=visible_to(user).values("pk"))
    if caps.return_interviews and user.team_id:
        condition |= Q(interview__team_id=user.team_id)
    return MissingEpisode.objects.filter(condition)


def _log(
    user: Any, action: str, object_type: str, object_id: Any, person_id: int | None, **detail: Any
) -> None:
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(action, object_type, str(object_id), person_id, detail=detail),
        )


def episode_for_user(user: Any, episode_id: int) -> MissingEpisode:
    """One episode, logged; forbidden and missing alike raise PersonNotFound (a 404)."""
    episode = (
        episodes_visible_to(user)
        .select_related("person", "reporting_agency", "reported_by", "partnership")
        .filter(pk=episode_id)
        .first()
    )
    _log(
        user,
        AccessLogEntry.Action.VIEW if episode else AccessLogEntry.Action.DENY,
        "missing_episode",
        episode_id,
        episode.person_id if episode else None,
    )
    if episode is None:
        raise PersonNotFound()
    return episode


def episode_by_ref(user: Any, police_ref: str) -> MissingEpisode | None:
    return episodes_visible_to(user).filter(police_ref=police_ref.strip().upper()).first()


@dataclass
class EpisodeDetail:
    episode: MissingEpisode
    updates: list[Any]
    strategy: StrategyRequirement | None
    interview: ReturnInterview | None
    notices: list[MissingNotice]
    earlier: list[MissingEpisode]
    flags: list[Flag]


def episode_detail(user: Any, episode_id: int) -> EpisodeDetail:
    episode = episode_for_user(user, episode_id)
    strategy = (
        StrategyRequirement.objects.filter(episode=episode).prefetch_related("agencies_present").first()
    )
    interview = ReturnInterview.objects.filter(episode=episode).select_related("team").first()
    earlier: list[MissingEpisode] = []
    flags: list[Flag] = []
    if episode.person_id:
        earlier = list(
            MissingEpisode.objects.filter(person_id=episode.person_id)
            .exclude(pk=episode.pk)
            .order_by("-last_seen_at")[:10]
        )
        flags = list(Flag.objects.filter(person_id=episode.person_id, removed_at__isnull=True))
    return EpisodeDetail(
        episode=episode,
        updates=list(episode.updates.all()),
        strategy=strategy,
        interview=interview,
        notices=list(episode.notices.order_by("sent_at")),
        earlier=earlier,
        flags=flags,
    )


# The morning list ----------------------------------------------------------------------------------


@dataclass
class MissingNow:
    episode: MissingEpisode
    missing_for: timedelta
    flags: list[str]
    allocated: str
    strategy_state: str  # "", "due", "required", "held"
    strategy_left: timedelta
    trigger_plan: bool = False

    @property
    def missing_for_text(self) -> str:
        hours = int(self.missing_for.total_seconds() // 3600)
        if hours < 48:
            return f"{hours} hours" if hours != 1 else "1 hour"
        return f"{hours // 24} days {hours % 24} hours"


@dataclass
class MorningListView:
    rows: list[MissingNow]
    scope: str  # "partnership" or "yours"
    last_shared: MorningList | None
    now: datetime
    truncated: bool = False  # more children are missing than the list holds (MORNING_LIST_LIMIT)


MORNING_LIST_LIMIT = 2000  # a day's list; a partnership has a few hundred missing at most


def morning_list(user: Any, *, now: datetime | None = None) -> MorningListView:
    """The children missing right now, longest first, with what a partner needs to act on."""
    now = now or timezone.now()
    caps = capabilities(user)
    if caps.missing_list:
        qs = MissingEpisode.objects.filter(partnership_id__in=agency_partnership_ids(user))
        scope = "partnership"
    else:
        qs = episodes_visible_to(user)
        scope = "yours"
    episodes = list(
        qs.filter(status=MissingEpisode.Status.MISSING)
        .select_related("person", "strategy")
        .order_by("last_seen_at")[: MORNING_LIST_LIMIT + 1]
    )
    truncated = len(episodes) > MORNING_LIST_LIMIT
    episodes = episodes[:MORNING_LIST_LIMIT]
    person_ids = [e.person_id for e in episodes if e.person_id]
    flags: dict[int, list[str]] = defaultdict(list)
    for person_id, kind in Flag.objects.filter(person_id__in=person_ids, removed_at__isnull=True).values_list(
        "person_id", "kind"
    ):
        flags[person_id].append(Flag.Kind(kind).label)
    allocated: dict[int, str] = {}
    for inv in Involvement.objects.filter(
        person_id__in=person_ids, ended_at__isnull=True, kind=Involvement.Kind.ALLOCATED
    ).select_related("worker", "team"):
        who = inv.worker.get_full_name() if inv.worker else "No worker named"
        allocated[inv.person_id] = f"{who}, {inv.team.name}"
    planned = set(
        TriggerPlan.objects.filter(person_id__in=person_ids, ended_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for e in episodes:
        requirement = getattr(e, "strategy", None)
        state = "due" if requirement is None else ("held" if requirement.held_at else "required")
        rows.append(
            MissingNow(
                episode=e,
                missing_for=now - e.last_seen_at,
                flags=sorted(flags.get(e.person_id or 0, [])),
                allocated=allocated.get(e.person_id or 0, "Not allocated"),
                strategy_state=state,
                strategy_left=e.strategy_due_at - now,
                trigger_plan=e.person_id in planned,
            )
        )
    rows.sort(key=lambda r: (-r.episode.risk, -r.missing_for))
    audit.record_many(
        audit.Actor.of(user),
        [
            audit.Event(
                AccessLogEntry.Action.VIEW,
                "missing_episode",
                str(r.episode.pk),
                r.episode.person_id,
                detail={"purpose": "morning-list"},
            )
            for r in rows
        ],
    )
    last = None
    if caps.missing_list:
        last = (
            MorningList.objects.filter(partnership_id__in=agency_partnership_ids(user))
            .order_by("-shared_at")
            .first()
        )
    return MorningListView(rows=rows, scope=scope, last_shared=last, now=now, truncated=truncated)


def to_identify_rows(user: Any) -> QuerySet[MissingEpisode]:
    """Episodes whose child nobody has yet identified: never lost, worked by the front door and police.
    Newest report first; paged by the caller."""
    if not capabilities(user).missing_list:
        return MissingEpisode.objects.none()
    return MissingEpisode.objects.filter(
        partnership_id__in=agency_partnership_ids(user), person__isnull=True
    ).order_by("-reported_at", "-pk")


@dataclass
class Candidate:
    person: Person
    comparison: Comparison
    model_version: str = ""  # the linkage model that scored it


def identify_candidates(user: Any, episode: MissingEpisode) -> list[Candidate]:
    if not capabilities(user).missing_list:
        return []
    match = linkage.match_subject(episode.subject, episode.partnership_id)
    subject = linkage.subject_record(episode.subject)
    scored = sorted(
        (
            (compare(subject, record), pk)
            for pk, record in zip(match.candidate_ids, match.records, strict=True)
        ),
        key=lambda pair: -pair[0].probability,
    )[:10]
    people = Person.objects.in_bulk([pk for _, pk in scored])
    version = match.decision.model_version
    shown = [Candidate(people[pk], c, version) for c, pk in scored if pk in people]
    audit.record_many(
        audit.Actor.of(user),
        [
            audit.Event(
                AccessLogEntry.Action.VIEW,
                "person",
                str(c.person.pk),
                c.person.pk,
                detail={"purpose": "identify", "episode": episode.pk},
            )
            for c in shown
        ],
    )
    return shown


def identifiable_person(user: Any, episode: MissingEpisode, person_id: int) -> Person | None:
    if not capabilities(user).missing_list:
        return None
    return Person.objects.filter(
        pk=person_id, partnership_id=episode.partnership_id, archived_at__isnull=True
    ).first()


def strategy_for_user(user: Any, episode_id: int) -> StrategyRequirement | None:
    episode = episodes_visible_to(user).filter(pk=episode_id).first()
    if episode is None or not capabilities(user).record_strategy:
        return None
    return StrategyRequirement.objects.filter(episode=episode).select_related("episode__person").first()


def meeting_agencies(user: Any) -> list[Agency]:
    return list(
        Agency.objects.filter(partnerships__pk__in=agency_partnership_ids(user)).distinct().order_by("name")
    )


def _open_requirements(user: Any) -> QuerySet[StrategyRequirement]:
    """Required strategy meetings not yet held, of episodes the user may see. The few open requirements
    narrow the episodes first: the other way round reads every visible episode (60 ms at 200,000)."""
    open_episodes = StrategyRequirement.objects.filter(held_at__isnull=True).values("episode_id")
    visible = episodes_visible_to(user).filter(pk__in=open_episodes).values("pk")
    return StrategyRequirement.objects.filter(held_at__isnull=True, episode_id__in=visible)


def open_strategy_requirements(user: Any) -> list[StrategyRequirement]:
    """Required strategy meetings not yet held: red until they are."""
    return list(_open_requirements(user).select_related("episode__person")[:500])


# Return home interviews ----------------------------------------------------------------------------


def interviews_visible_to(user: Any) -> QuerySet[ReturnInterview]:
    return ReturnInterview.objects.filter(episode__in=episodes_visible_to(user))


def _open_interviews(user: Any) -> QuerySet[ReturnInterview]:
    """Interviews not yet completed, or declined without a follow-up: nothing leaves without an outcome."""
    caps = capabilities(user)
    if caps.return_interviews and user.team_id:
        qs = ReturnInterview.objects.filter(team_id=user.team_id)
    elif caps.missing_list:
        qs = ReturnInterview.objects.filter(partnership_id__in=agency_partnership_ids(user))
    else:
        return ReturnInterview.objects.none()
    return qs.filter(completed_at__isnull=True).filter(
        Q(response__in=["pending", "offered", "accepted"]) | Q(response="declined", follow_up="")
    )


def interview_queue(user: Any) -> list[ReturnInterview]:
    """The service's open interviews, most urgent first."""
    return list(_open_interviews(user).select_related("episode__person").order_by("offer_due_at")[:500])


def interview_for_user(user: Any, interview_id: int) -> ReturnInterview:
    interview = (
        interviews_visible_to(user).select_related("episode__person", "team").filter(pk=interview_id).first()
    )
    _log(
        user,
        AccessLogEntry.Action.VIEW if interview else AccessLogEntry.Action.DENY,
        "return_interview",
        interview_id,
        interview.episode.person_id if interview else None,
    )
    if interview is None:
        raise PersonNotFound()
    return interview


# A child's missing history -------------------------------------------------------------------------


@dataclass
class History:
    episodes: list[MissingEpisode]
    in_30: int
    in_90: int
    in_365: int
    months: list[tuple[str, int]]  # the last 12 months, oldest first
    interviews: dict[int, ReturnInterview] = field(default_factory=dict)
    trigger_plan: TriggerPlan | None = None
    person_id: int = 0
    trigger_threshold: int = 3  # episodes in 90 days above which a trigger plan is expected

    @property
    def peak(self) -> int:
        return max((n for _, n in self.months), default=0)


def _month_starts(last: date, count: int) -> list[date]:
    months = []
    y, m = last.year, last.month
    for _ in range(count):
        months.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(months))


def history_for_person(person: Person, *, now: datetime | None = None) -> History:
    """A child's missing history for their record. The caller has already checked access to the child."""
    now = now or timezone.now()
    episodes = list(
        MissingEpisode.objects.filter(person=person)
        .select_related("strategy")
        .order_by("-last_seen_at")[:500]
    )
    interviews = {i.episode_id: i for i in ReturnInterview.objects.filter(episode__person=person)}

    def within(days: int) -> int:
        return sum(1 for e in episodes if e.last_seen_at >= now - timedelta(days=days))

    today = timezone.localdate(now)
    starts = _month_starts(today, 12)
    counts: Counter[date] = Counter()
    for e in episodes:
        local = timezone.localtime(e.last_seen_at).date()
        counts[date(local.year, local.month, 1)] += 1
    return History(
        episodes=episodes,
        in_30=within(30),
        in_90=within(90),
        in_365=within(365),
        months=[(s.strftime("%b %Y"), counts[s]) for s in starts],
        interviews=interviews,
        trigger_plan=live_trigger_plan(person),
        person_id=person.pk,
        trigger_threshold=settings.MACE_TRIGGER_PLAN_EPISODES,
    )


def live_trigger_plan(person: Person) -> TriggerPlan | None:
    """The child's live police trigger plan. The caller has already checked access to the child."""
    return TriggerPlan.objects.filter(person=person, ended_at__isnull=True).first()


def home_summary(user: Any) -> dict[str, int]:
    """Counts for the home page: children missing now, meetings required, interviews waiting."""
    caps = capabilities(user)
    out: dict[str, int] = {}
    if caps.records or caps.missing_list:
        out["missing_now"] = episodes_visible_to(user).filter(status=MissingEpisode.Status.MISSING).count()
        out["strategy_required"] = _open_requirements(user).count()
    if caps.return_interviews or caps.missing_list:
        out["interviews"] = _open_interviews(user).count()
    return out


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnEpisode:
    id: int
    person_id: int
    category: str  # missing or absent
    setting: str  # home or care
    started_at: datetime  # last seen
    returned_at: datetime | None
    rhi_offered_at: datetime | None
    rhi_response: str  # "" when no interview was created


def episodes_for_returns(partnership_id: int, *, until: datetime) -> list[ReturnEpisode]:
    """Every missing or absent episode of an identified child that began before `until`, oldest first."""
    rows = (
        MissingEpisode.objects.filter(
            partnership_id=partnership_id, person__isnull=False, last_seen_at__lt=until
        )
        .order_by("last_seen_at", "pk")
        .values_list(
            "pk",
            "person_id",
            "category",
            "setting",
            "last_seen_at",
            "returned_at",
            "interview__offered_at",
            "interview__response",
        )
    )
    return [
        ReturnEpisode(pk, pid, cat, setting, seen, back, offered, response or "")
        for pk, pid, cat, setting, seen, back, offered, response in rows.iterator(chunk_size=5000)
    ]


def episodes_for_network(partnership_id: int, *, since: datetime) -> list[Any]:
    """The network module's reading of episodes (matched to a child, reported since `since`) for proposing
    associations from their places, who the child was with and the free text. System use: the proposals
    it makes are shown only to those who may see both ends."""
    return list(
        MissingEpisode.objects.filter(
            partnership_id=partnership_id, person__isnull=False, reported_at__gte=since
        ).values(
            "pk",
            "person_id",
            "last_seen_at",
            "last_seen_place",
            "last_seen_with",
            "found_place",
            "found_with",
            "circumstances",
            "child_account",
        )
    )


def episode_months(person_ids: list[int], *, since: datetime) -> dict[str, int]:
    """Missing episodes of these children per month ("2026-11": 3) since a date, for a group's page."""
    out: dict[str, int] = {}
    for at in MissingEpisode.objects.filter(person_id__in=person_ids, last_seen_at__gte=since).values_list(
        "last_seen_at", flat=True
    ):
        key = f"{timezone.localtime(at):%Y-%m}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))
