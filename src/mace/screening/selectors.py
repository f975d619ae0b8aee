"""Reading screenings, scoped to the user. The practitioner sees what they completed; teams working
with the child see the child's screenings; the front door sees its partnerships'; a manager sees their
agency's (to agree judgements)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from mace.accounts.selectors import agency_partnership_ids
from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people.models import Involvement, Person
from mace.people.selectors import PersonNotFound

from .models import Level, Screening, ToolVersion

DEFAULT_TOOL = "exploitation"


def active_tool_version(code: str = DEFAULT_TOOL) -> ToolVersion | None:
    version = ToolVersion.objects.filter(code=code, status=ToolVersion.Status.ACTIVE).first()
    if version is None:
        from .services import tool_sync_shipped

        tool_sync_shipped()
        version = ToolVersion.objects.filter(code=code, status=ToolVersion.Status.ACTIVE).first()
    return version


def tool_version_by_number(code: str, number: int) -> ToolVersion | None:
    return ToolVersion.objects.filter(code=code, version=number).first()


def tool_versions(user: Any) -> list[ToolVersion]:
    if not capabilities(user).manage_tools:
        return []
    active_tool_version()
    return list(ToolVersion.objects.order_by("code", "-version"))


def screenings_visible_to(user: Any) -> QuerySet[Screening]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Screening.objects.none()
    caps = capabilities(user)
    condition = Q(completed_by_id=user.pk)
    if caps.records and user.team_id:
        condition |= Q(
            person_id__in=Involvement.objects.filter(team_id=user.team_id, ended_at__isnull=True)
            .exclude(kind=Involvement.Kind.FRONT_DOOR)
            .values("person_id")
        )
    if caps.front_door:
        condition |= Q(partnership_id__in=agency_partnership_ids(user))
    if caps.agree_judgements and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    return Screening.objects.filter(condition)


def screening_for_user(user: Any, screening_id: int) -> Screening:
    """One screening, logged; forbidden and missing alike raise PersonNotFound (a 404)."""
    screening = (
        screenings_visible_to(user)
        .select_related("person", "tool_version", "agency", "contact", "completed_by")
        .filter(pk=screening_id)
        .first()
    )
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                AccessLogEntry.Action.VIEW if screening else AccessLogEntry.Action.DENY,
                "screening",
                str(screening_id),
                screening.person_id if screening else None,
            ),
        )
    if screening is None:
        raise PersonNotFound()
    return screening


def agreement_rows(user: Any) -> QuerySet[Screening]:
    """Screenings waiting for a manager's agreement that this manager may agree, oldest first; paged
    by the caller."""
    if not capabilities(user).agree_judgements:
        return Screening.objects.none()
    return (
        screenings_visible_to(user)
        .filter(status=Screening.Status.AWAITING_AGREEMENT)
        .exclude(completed_by_id=user.pk)
        .select_related("person", "agency")
        .order_by("completed_at", "pk")
    )


def agreement_queue(user: Any) -> list[Screening]:
    """The first 200 waiting (for the API)."""
    return list(agreement_rows(user)[:200])


def agreement_count(user: Any) -> int:
    if not capabilities(user).agree_judgements:
        return 0
    return (
        screenings_visible_to(user)
        .filter(status=Screening.Status.AWAITING_AGREEMENT)
        .exclude(completed_by_id=user.pk)
        .count()
    )


@dataclass(frozen=True)
class TrajectoryPoint:
    screening: Screening
    x: float
    y_level: float
    y_judgement: float


@dataclass(frozen=True)
class Trajectory:
    points: list[TrajectoryPoint]
    width: int
    height: int
    levels: list[tuple[float, str]]  # (y, label) for the axis
    dates: list[tuple[float, datetime]]  # (x, when) for the first and last screening

    @property
    def level_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y_level:.1f}" for p in self.points)

    @property
    def judgement_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y_judgement:.1f}" for p in self.points)


CHART_WIDTH, CHART_HEIGHT, LEFT, TOP, BOTTOM = 640, 200, 110, 15, 25


def _y(level: int) -> float:
    usable = CHART_HEIGHT - TOP - BOTTOM
    return TOP + usable - usable * level / 3


def trajectory_chart(screenings: list[Screening]) -> Trajectory:
    """The child's screenings over time as coordinates for an inline SVG (0 no concerns … 3 high)."""
    times: list[datetime] = [s.completed_at for s in screenings]
    span = (max(times) - min(times)).total_seconds() if len(times) > 1 else 0
    usable = CHART_WIDTH - LEFT - 20
    points = []
    for index, s in enumerate(screenings):
        if span:
            x = LEFT + usable * (s.completed_at - times[0]).total_seconds() / span
        else:
            x = LEFT + usable * (index + 1) / (len(screenings) + 1)
        points.append(TrajectoryPoint(s, x, _y(s.level), _y(s.judgement)))
    return Trajectory(
        points=points,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        levels=[(_y(value), label) for value, label in Level.choices],
        dates=[(points[0].x, times[0]), (points[-1].x, times[-1])]
        if len(points) > 1
        else [(points[0].x, times[0])],
    )


def risk_trajectory(person: Person) -> tuple[list[Screening], Trajectory | None]:
    """Every screening of a child the caller may already see (person_record checked and logged it)."""
    screenings = list(
        Screening.objects.filter(person=person)
        .select_related("agency", "tool_version")
        .order_by("completed_at", "pk")
    )
    return screenings, trajectory_chart(screenings) if screenings else None


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnScreening:
    id: int
    person_id: int
    completed_at: datetime
    agreed_at: datetime | None
    judgement: int
    agency_name: str


def screenings_for_returns(partnership_id: int, *, until: datetime) -> list[ReturnScreening]:
    """Every completed screening of an identified child before `until`, oldest first."""
    rows = (
        Screening.objects.filter(
            partnership_id=partnership_id,
            person__isnull=False,
            status=Screening.Status.COMPLETE,
            completed_at__lt=until,
        )
        .order_by("completed_at", "pk")
        .values_list("pk", "person_id", "completed_at", "agreed_at", "judgement", "agency__name")
    )
    return [
        ReturnScreening(pk, pid, done, agreed, judgement, agency or "")
        for pk, pid, done, agreed, judgement, agency in rows.iterator(chunk_size=5000)
    ]


def screenings_for_network(partnership_id: int, *, since: datetime) -> list[Any]:
    """The network module's reading of completed screenings (matched to a child) for proposing associations
    from their free text: the analysis and the child's words."""
    return list(
        Screening.objects.filter(
            partnership_id=partnership_id, person__isnull=False, completed_at__gte=since
        ).values("pk", "person_id", "completed_at", "analysis", "child_voice")
    )
