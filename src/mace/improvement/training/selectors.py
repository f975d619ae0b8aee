"""Training's reads, always for a reader: the courses, sessions, register and bookings of the reader's
partnerships, and compliance computed from attendance.

**Compliance** (the one definition, used by the pages, the API and the scorecard): on a date, a
practitioner counts in a team that has a required level (`TrainingRequirement`) if they are in the team
that day (joined on or before it, not yet left). They are *trained* if they attended a session of a course
at or above the team's level, on or before that day and less than `VALID_YEARS` years before it (training
on 2 March 2020 lapses on 2 March 2023). An agency's figure is the sum over its teams in the partnership;
percentages are trained of counted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from mace.accounts.models import Agency, Partnership, Team
from mace.core.clocks import add_calendar_months

from ..selectors import NotFound, partnership_ids
from .models import (
    Practitioner,
    TrainingBooking,
    TrainingCourse,
    TrainingFollowUp,
    TrainingRequirement,
    TrainingSession,
)

VALID_YEARS = 3  # level 3 safeguarding training is refreshed every three years
FOLLOW_UP_MONTHS = 3  # 5.1e: speak to attendees and their managers three months after the training

__all__ = ["NotFound"]


def courses_for(user: Any) -> QuerySet[TrainingCourse]:
    return TrainingCourse.objects.filter(partnership_id__in=partnership_ids(user)).select_related(
        "agency", "partnership"
    )


def course_for(user: Any, pk: int) -> TrainingCourse:
    found = courses_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(pk)
    return found


def sessions_for(user: Any) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(course__partnership_id__in=partnership_ids(user)).select_related(
        "course", "course__agency"
    )


def session_for(user: Any, pk: int) -> TrainingSession:
    found = (
        sessions_for(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=TrainingBooking.objects.select_related(
                    "practitioner", "practitioner__team", "evaluation", "follow_up"
                ),
            )
        )
        .first()
    )
    if found is None:
        raise NotFound(pk)
    return found


def booking_for(user: Any, pk: int) -> TrainingBooking:
    found = (
        TrainingBooking.objects.filter(pk=pk, session__course__partnership_id__in=partnership_ids(user))
        .select_related("session", "session__course", "practitioner", "practitioner__team")
        .first()
    )
    if found is None:
        raise NotFound(pk)
    return found


def practitioners_for(user: Any) -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(partnership_id__in=partnership_ids(user)).select_related(
        "team", "team__agency"
    )


def practitioner_for(user: Any, practitioner_id: int) -> Practitioner:
    found = practitioners_for(user).filter(pk=practitioner_id).first()
    if found is None:
        raise NotFound("Not found")
    return found


def follow_up_due(booking: TrainingBooking) -> date:
    return add_calendar_months(booking.session.on, FOLLOW_UP_MONTHS)


def has_evaluation(booking: TrainingBooking) -> bool:
    return hasattr(booking, "evaluation")


def has_follow_up(booking: TrainingBooking) -> bool:
    return hasattr(booking, "follow_up")


def _follow_up(booking: TrainingBooking) -> TrainingFollowUp | None:
    return booking.follow_up if has_follow_up(booking) else None


# Compliance -----------------------------------------------------------------------------------------------


@dataclass
class TeamCompliance:
    team: Team
    level: int
    level_label: str
    counted: int = 0
    trained: int = 0
    untrained: list[Practitioner] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.trained / self.counted if self.counted else None


@dataclass
class AgencyCompliance:
    agency: Agency
    teams: list[TeamCompliance]

    @property
    def counted(self) -> int:
        return sum(t.counted for t in self.teams)

    @property
    def trained(self) -> int:
        return sum(t.trained for t in self.teams)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.trained / self.counted if self.counted else None


@dataclass
class Compliance:
    on: date
    agencies: list[AgencyCompliance]

    @property
    def counted(self) -> int:
        return sum(a.counted for a in self.agencies)

    @property
    def trained(self) -> int:
        return sum(a.trained for a in self.agencies)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.trained / self.counted if self.counted else None

    def team(self, team_id: int) -> TeamCompliance | None:
        for a in self.agencies:
            for t in a.teams:
                if t.team.pk == team_id:
                    return t
        return None


def lapsed_on_or_before(on: date) -> date:
    """A session on or before this date has lapsed by `on` (three years on, to the day)."""
    return add_calendar_months(on, -12 * VALID_YEARS)


def compliance_in(ids: list[int] | tuple[int, ...], on: date) -> Compliance:
    """Compliance of the teams of these partnerships that have a required level, on a date."""
    requirements = list(
        TrainingRequirement.objects.filter(team__partnership_id__in=ids)
        .select_related("team", "team__agency")
        .order_by("team__agency__name", "team__name")
    )
    if not requirements:
        return Compliance(on, [])
    team_ids = [r.team_id for r in requirements]
    staff: dict[int, list[Practitioner]] = defaultdict(list)
    for p in Practitioner.objects.filter(team_id__in=team_ids, partnership_id__in=ids).order_by("name", "pk"):
        if p.in_team_on(on):
            staff[p.team_id].append(p)
    # The highest level each practitioner attended within the validity window, up to `on`.
    best: dict[int, int] = {}
    attended = TrainingBooking.objects.filter(
        practitioner__team_id__in=team_ids,
        status=TrainingBooking.Status.ATTENDED,
        session__on__lte=on,
        session__on__gt=lapsed_on_or_before(on),
    ).values_list("practitioner_id", "session__course__level")
    for pid, level in attended:
        best[pid] = max(best.get(pid, 0), level)
    by_agency: dict[int, AgencyCompliance] = {}
    for r in requirements:
        row = TeamCompliance(team=r.team, level=r.level, level_label=r.get_level_display())
        for p in staff[r.team_id]:
            row.counted += 1
            if best.get(p.pk, 0) >= r.level:
                row.trained += 1
            else:
                row.untrained.append(p)
        agency = by_agency.setdefault(r.team.agency_id, AgencyCompliance(r.team.agency, []))
        agency.teams.append(row)
    return Compliance(on, list(by_agency.values()))


def compliance(user: Any, on: date) -> Compliance:
    return compliance_in(partnership_ids(user), on)


def team_for(user: Any, team_id: int) -> TrainingRequirement:
    found = (
        TrainingRequirement.objects.filter(team_id=team_id, team__partnership_id__in=partnership_ids(user))
        .select_related("team", "team__agency")
        .first()
    )
    if found is None:
        raise NotFound(team_id)
    return found


def team_history(requirement: TrainingRequirement) -> list[TrainingBooking]:
    """Every booking of the team's practitioners, latest session first."""
    return list(
        TrainingBooking.objects.filter(practitioner__team=requirement.team)
        .select_related("session", "session__course", "practitioner")
        .order_by("-session__on", "practitioner__name")
    )


# Follow-ups and evaluations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    booking: TrainingBooking
    due: date


def follow_ups_due(user: Any, on: date) -> list[FollowUpRow]:
    """Attendees whose three-month follow-up is due by `on` and not yet recorded, oldest first."""
    rows = []
    found = (
        TrainingBooking.objects.filter(
            session__course__partnership_id__in=partnership_ids(user),
            status=TrainingBooking.Status.ATTENDED,
            follow_up__isnull=True,
            session__on__lte=add_calendar_months(on, -FOLLOW_UP_MONTHS),
        )
        .select_related("session", "session__course", "practitioner", "practitioner__team")
        .order_by("session__on", "practitioner__name")
    )
    for b in found:
        rows.append(FollowUpRow(b, follow_up_due(b)))
    return rows


@dataclass(frozen=True)
class Impact:
    """What a course's attendees said: on the day (confidence before and after) and three months on."""

    attended: int
    evaluated: int
    mean_before: float | None
    mean_after: float | None
    followed_up: int
    changed: dict[str, int]


def course_impact(course: TrainingCourse) -> Impact:
    bookings = list(
        TrainingBooking.objects.filter(session__course=course, status=TrainingBooking.Status.ATTENDED)
        .select_related("evaluation", "follow_up")
        .order_by("pk")
    )
    evaluations = [b.evaluation for b in bookings if has_evaluation(b)]
    follow_ups = [f for b in bookings if (f := _follow_up(b)) is not None]
    changed = {c: sum(1 for f in follow_ups if f.changed == c) for c in TrainingFollowUp.Changed.values}
    return Impact(
        attended=len(bookings),
        evaluated=len(evaluations),
        mean_before=(sum(e.confidence_before for e in evaluations) / len(evaluations))
        if evaluations
        else None,
        mean_after=(sum(e.confidence_after for e in evaluations) / len(evaluations)) if evaluations else None,
        followed_up=len(follow_ups),
        changed=changed,
    )


def practice_changed_in(ids: list[int] | tuple[int, ...], start: date, end: date) -> tuple[int, int]:
    """(follow-ups in [start, end) where the attendee and manager said practice changed, follow-ups)."""
    found = TrainingFollowUp.objects.filter(
        booking__session__course__partnership_id__in=ids, on__gte=start, on__lt=end
    ).values_list("changed", flat=True)
    values = list(found)
    return sum(1 for v in values if v == TrainingFollowUp.Changed.YES), len(values)


def bookable(user: Any, session: TrainingSession) -> list[Practitioner]:
    """Practitioners of the session's partnership not already booked on it."""
    booked = {b.practitioner_id for b in session.bookings.all()}
    return [
        p
        for p in practitioners_for(user).filter(partnership_id=session.course.partnership_id)
        if p.pk not in booked and p.left_on is None
    ]


# The register and the teams it covers -------------------------------------------------------------------


def partnerships_for(user: Any) -> list[Partnership]:
    return list(Partnership.objects.filter(pk__in=partnership_ids(user)).order_by("name"))


def agencies_for(user: Any) -> list[Agency]:
    """The agencies serving the reader's partnerships: who may run a single-agency course."""
    return list(Agency.objects.filter(partnerships__in=partnership_ids(user)).distinct().order_by("name"))


def teams_for(user: Any) -> QuerySet[Team]:
    """Every team of the reader's partnerships, whether or not it has a required level yet."""
    return (
        Team.objects.filter(partnership_id__in=partnership_ids(user))
        .select_related("agency", "partnership")
        .order_by("agency__name", "name")
    )


def register_team_for(user: Any, team_id: int) -> Team:
    found = teams_for(user).filter(pk=team_id).first()
    if found is None:
        raise NotFound(team_id)
    return found


def requirement_of(team: Team) -> TrainingRequirement | None:
    return TrainingRequirement.objects.filter(team=team).first()


def requirements_by_team(user: Any) -> dict[int, TrainingRequirement]:
    return {
        r.team_id: r
        for r in TrainingRequirement.objects.filter(team__partnership_id__in=partnership_ids(user))
    }


def register_counts(user: Any) -> dict[int, int]:
    """Practitioners on the register by team (those who have not left)."""
    counts: dict[int, int] = defaultdict(int)
    for team_id in practitioners_for(user).filter(left_on__isnull=True).values_list("team_id", flat=True):
        counts[team_id] += 1
    return dict(counts)


def register_of(team: Team) -> list[Practitioner]:
    return list(Practitioner.objects.filter(team=team).order_by("name", "pk"))


def linkable_users(team: Team) -> list[Any]:
    """MACE accounts of the team not yet on the training register: a practitioner may be one of them."""
    taken = Practitioner.objects.filter(user__isnull=False).values_list("user_id", flat=True)
    return list(
        get_user_model()
        .objects.filter(team=team, is_active=True)
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "pk")
    )
