"""Reading meetings: every query takes the user. A meeting is visible to those invited, to its team, and
to anyone who may open the record of a child it concerns. Compliance figures carry no names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mace.accounts.models import Role, Team, User
from mace.accounts.selectors import agency_partnership_ids, figure_partnership_ids
from mace.core import audit, clocks
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.frontdoor.models import Task
from mace.frontdoor.selectors import Rate
from mace.missing.models import StrategyRequirement
from mace.people.models import Person
from mace.people.selectors import PersonNotFound, visible_to

from .models import Invitation, Meeting, MeetingAction


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Meeting.objects.none()
    caps = capabilities(user)
    condition = Q(invitations__user_id=user.pk) | Q(chair_id=user.pk)
    if caps.meetings and user.team_id:
        condition |= Q(team_id=user.team_id)
    if caps.records:
        condition |= Q(children__in=visible_to(user).values("pk"))
    return Meeting.objects.filter(pk__in=Meeting.objects.filter(condition).values("pk"))


def meeting_for_user(user: Any, meeting_id: int) -> Meeting:
    meeting = (
        meetings_visible_to(user)
        .select_related("team", "chair", "police_attendee", "partnership", "requirement", "task")
        .filter(pk=meeting_id)
        .first()
    )
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                AccessLogEntry.Action.VIEW if meeting else AccessLogEntry.Action.DENY,
                "meeting",
                str(meeting_id),
            ),
        )
    if meeting is None:
        raise PersonNotFound()
    return meeting


@dataclass
class MeetingDetail:
    meeting: Meeting
    children: list[Person]
    invitations: list[Invitation]
    actions: list[MeetingAction]
    can_edit: bool

    @property
    def shared_count(self) -> int:
        return sum(1 for i in self.invitations if i.minutes_shared_at)


def meeting_detail(user: Any, meeting_id: int) -> MeetingDetail:
    meeting = meeting_for_user(user, meeting_id)
    children = list(meeting.children.all())
    if children:
        audit.record_many(
            audit.Actor.of(user),
            [
                audit.Event(
                    AccessLogEntry.Action.VIEW, "person", str(c.pk), c.pk, detail={"purpose": "meeting"}
                )
                for c in children
            ],
        )
    caps = capabilities(user)
    return MeetingDetail(
        meeting=meeting,
        children=children,
        invitations=list(meeting.invitations.select_related("user", "agency").order_by("pk")),
        actions=list(meeting.actions.select_related("owner", "agency", "person").order_by("due_on", "pk")),
        can_edit=caps.meetings and (meeting.chair_id == user.pk or meeting.team_id == user.team_id),
    )


def my_meetings(user: Any) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """Upcoming meetings, soonest first, and held meetings whose minutes are not yet shared with
    everyone, soonest due first. Each is paged by the caller."""
    qs = meetings_visible_to(user).select_related("team", "chair").prefetch_related("children")
    upcoming = qs.filter(status=Meeting.Status.SCHEDULED).order_by("scheduled_at", "pk")
    unshared = qs.filter(
        status=Meeting.Status.HELD,
        minutes_shared_at__isnull=True,
        minutes_due_at__isnull=False,
        held_at__isnull=False,
    ).order_by("minutes_due_at", "pk")
    return upcoming, unshared


def children_for_meeting(user: Any, ids: list[int]) -> list[Person]:
    return list(visible_to(user).filter(pk__in=ids))


def task_for_user(user: Any, task_id: int) -> Task | None:
    return Task.objects.filter(pk=task_id, person__in=visible_to(user), kind=Task.Kind.STRATEGY).first()


def requirement_for_user(user: Any, requirement_id: int) -> StrategyRequirement | None:
    return (
        StrategyRequirement.objects.filter(
            pk=requirement_id, episode__person__in=visible_to(user), held_at__isnull=True
        )
        .select_related("episode__person")
        .first()
    )


def team_for_meetings(user: Any) -> Team | None:
    return user.team if user.team_id else None


def invitees_of(meeting: Meeting, user_ids: list[int]) -> list[User]:
    return list(User.objects.filter(pk__in=user_ids, invitations__meeting=meeting))


def owners_for(meeting: Meeting) -> list[User]:
    """People who can own an action: the invitees."""
    return list(User.objects.filter(invitations__meeting=meeting).order_by("last_name", "first_name"))


def owner_for(meeting: Meeting, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, invitations__meeting=meeting).first()


def action_for_user(user: Any, action_id: int) -> MeetingAction | None:
    action = MeetingAction.objects.select_related("meeting").filter(pk=action_id).first()
    if action is None:
        return None
    if action.owner_id == user.pk or meetings_visible_to(user).filter(pk=action.meeting_id).exists():
        return action
    return None


def police_officers(user: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.POLICE_OFFICER,
            agency__partnerships__pk__in=agency_partnership_ids(user),
        )
        .distinct()
        .order_by("last_name")
    )


def rota(user: Any, start: date, days: int = 14) -> list[tuple[date, User | None]]:
    from .models import RotaSlot

    partnership_ids = agency_partnership_ids(user)
    slots = {
        s.day: s.officer
        for s in RotaSlot.objects.filter(
            partnership_id__in=partnership_ids[:1], day__gte=start, day__lt=start + timedelta(days=days)
        ).select_related("officer")
    }
    return [(start + timedelta(days=n), slots.get(start + timedelta(days=n))) for n in range(days)]


# Minutes compliance (3.2c) -------------------------------------------------------------------------


@dataclass
class Compliance:
    overall: Rate
    by_team: list[tuple[str, Rate]]
    by_month: list[tuple[str, Rate]]
    by_team_month: dict[str, dict[str, Rate]]
    months: list[str]
    late: list[Meeting]
    openable: set[int] = field(default_factory=set)  # the late meetings this reader may open


def minutes_shared_on_time(meeting: Meeting, now: datetime) -> bool | None:
    """True: every invitee had the minutes within 10 days. False: not, and the 10 days are over.
    None: still within the 10 days and not yet shared with everyone."""
    due = meeting.minutes_due_at
    if due is None:
        return None
    if meeting.minutes_shared_at is not None and meeting.minutes_shared_at <= due:
        return True
    if now <= due:
        return None
    return False


def minutes_compliance(user: Any, *, since: date, until: date, now: datetime | None = None) -> Compliance:
    """Meetings held between the dates whose 10 days are over (or whose minutes went out in time):
    "n of m (p%)" by team and by month. Counted from the records each time."""
    now = now or timezone.now()
    start = datetime.combine(since, datetime.min.time(), tzinfo=clocks.LONDON)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=clocks.LONDON)
    meetings = list(
        Meeting.objects.filter(
            partnership_id__in=(
                figure_partnership_ids(user)
                if capabilities(user).aggregates
                else agency_partnership_ids(user)
            ),
            status=Meeting.Status.HELD,
            held_at__gte=start,
            held_at__lt=end,
        )
        .select_related("team")
        .order_by("held_at")
    )
    counted = [(m, minutes_shared_on_time(m, now)) for m in meetings]
    counted = [(m, ok) for m, ok in counted if ok is not None]
    teams: dict[str, list[bool]] = defaultdict(list)
    months: dict[str, list[bool]] = defaultdict(list)
    grid: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    order: list[str] = []
    for m, ok in counted:
        assert m.held_at is not None and ok is not None
        month = timezone.localtime(m.held_at).strftime("%b %Y")
        if month not in order:
            order.append(month)
        teams[m.team.name].append(ok)
        months[month].append(ok)
        grid[m.team.name][month].append(ok)
    link = "/meetings/minutes/"

    def rate(label: str, oks: list[bool]) -> Rate:
        return Rate(label, sum(oks), len(oks), link)

    late = [m for m, ok in counted if ok is False][-200:]
    return Compliance(
        overall=rate("Minutes shared within 10 days", [ok for _, ok in counted if ok is not None]),
        by_team=sorted(((t, rate(t, oks)) for t, oks in teams.items()), key=lambda r: r[1].percent),
        by_month=[(mo, rate(mo, months[mo])) for mo in order],
        by_team_month={t: {mo: rate(mo, oks) for mo, oks in row.items()} for t, row in grid.items()},
        months=order,
        late=late,
        # The figure counts every meeting in the partnership; only those the reader is part of link.
        openable=set(
            meetings_visible_to(user).filter(pk__in=[m.pk for m in late]).values_list("pk", flat=True)
        ),
    )


def home_summary(user: Any) -> dict[str, int]:
    if not capabilities(user).meetings:
        return {}
    qs = meetings_visible_to(user)
    return {
        "upcoming": qs.filter(status=Meeting.Status.SCHEDULED).count(),
        "unshared": qs.filter(status=Meeting.Status.HELD, minutes_shared_at__isnull=True).count(),
    }


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnEnquiry:
    meeting_id: int
    person_id: int
    held_at: datetime
    team: str


def section_47_for_returns(partnership_id: int, *, until: datetime) -> list[ReturnEnquiry]:
    """Each child of each strategy meeting held before `until` that started a section 47 enquiry."""
    through = Meeting.children.through
    rows = (
        through.objects.filter(
            meeting__partnership_id=partnership_id,
            meeting__kind=Meeting.Kind.STRATEGY,
            meeting__status=Meeting.Status.HELD,
            meeting__section_47=True,
            meeting__held_at__lt=until,
        )
        .order_by("meeting__held_at", "meeting_id")
        .values_list("meeting_id", "person_id", "meeting__held_at", "meeting__team__name")
    )
    return [
        ReturnEnquiry(m, p, at, team or "")
        for m, p, at, team in rows.iterator(chunk_size=5000)
        if at is not None
    ]
