"""Reading plans: every query takes the user and goes through the child's record access rules.

Forbidden and missing look the same (`PersonNotFound`, a 404), and every read is in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mace.accounts.models import Agency, User
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.people.models import Person
from mace.people.selectors import PersonNotFound, person_for_user, visible_to

from . import diff
from .models import Plan, PlanReceipt, PlanReview, PlanStatus, PlanVersion
from .services import involved_professionals


def _log(user: Any, action: str, object_id: Any, person_id: int | None, **detail: Any) -> None:
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user), audit.Event(action, "plan", str(object_id), person_id, detail=detail)
        )


@dataclass
class Holder:
    """One professional involved with the child, and which version of the plan they have."""

    user: User
    seen: int  # the latest version number they have opened, 0 if none
    acknowledged: int  # the latest version number they have acknowledged, 0 if none
    seen_at: Any = None
    latest: int = 0

    @property
    def has_latest(self) -> bool:
        return self.seen > 0 and self.seen == self.latest


@dataclass
class PlanPage:
    person: Person
    relationship: str
    plan: Plan | None
    current: PlanVersion | None
    versions: list[PlanVersion] = field(default_factory=list)
    reviews: list[PlanReview] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)
    overdue: int = 0

    @property
    def without_latest(self) -> list[Holder]:
        return [h for h in self.holders if not h.has_latest]


def overdue_actions(version: PlanVersion | None, today: date) -> int:
    if version is None:
        return 0
    return sum(
        1 for a in version.actions if not a.get("done") and a.get("due") and a["due"] < today.isoformat()
    )


def holders(plan: Plan) -> list[Holder]:
    """Who has the latest version: each involved professional's latest opened and acknowledged version."""
    people = involved_professionals(plan.person)
    seen: dict[int, tuple[int, Any]] = {}
    acked: dict[int, int] = {}
    for r in PlanReceipt.objects.filter(plan=plan, user__in=[u.pk for u in people]):
        if r.number > seen.get(r.user_id, (0, None))[0]:
            seen[r.user_id] = (r.number, r.seen_at)
        if r.acknowledged_at and r.number > acked.get(r.user_id, 0):
            acked[r.user_id] = r.number
    out = []
    for u in people:
        number, at = seen.get(u.pk, (0, None))
        out.append(Holder(u, number, acked.get(u.pk, 0), at, plan.version))
    return sorted(out, key=lambda h: (h.has_latest, h.user.last_name))


def plan_page(user: Any, person_id: int, *, purpose: str = "view") -> PlanPage:
    """The child's plan for this user: the person read is logged, and the plan read too."""
    person, relationship = person_for_user(user, person_id, purpose=purpose)
    plan = Plan.objects.filter(person=person).select_related("person").first()
    if plan is None:
        return PlanPage(person, relationship, None, None)
    versions = list(plan.versions.order_by("-number"))
    current = versions[0] if versions else None
    _log(user, AccessLogEntry.Action.VIEW, plan.pk, person.pk, version=plan.version)
    return PlanPage(
        person=person,
        relationship=relationship,
        plan=plan,
        current=current,
        versions=versions,
        reviews=list(plan.reviews.select_related("meeting")),
        holders=holders(plan),
        overdue=overdue_actions(current, timezone.localdate()),
    )


def review_meetings(person: Person) -> list[Any]:
    """Plan review meetings about the child, held and not yet recorded as a review, newest first.
    The caller has already opened the child's plan."""
    from mace.meetings.models import Meeting

    return list(
        Meeting.objects.filter(
            kind=Meeting.Kind.PLAN_REVIEW, children=person, held_at__isnull=False, plan_review__isnull=True
        ).order_by("-held_at")[:20]
    )


def version_for_user(
    user: Any, person_id: int, number: int
) -> tuple[Person, Plan, PlanVersion, diff.PlanDiff]:
    """One version and what changed from the one before it."""
    person, _ = person_for_user(user, person_id)
    plan = Plan.objects.filter(person=person).first()
    version = plan.versions.filter(number=number).first() if plan else None
    if plan is None or version is None:
        raise PersonNotFound()
    previous = plan.versions.filter(number=number - 1).first()
    _log(user, AccessLogEntry.Action.VIEW, plan.pk, person.pk, version=number)
    return person, plan, version, diff.compare(previous, version)


def current_version(user: Any, person_id: int) -> PlanVersion:
    """For the API: the current version, or PersonNotFound (no record, no right, or no plan yet)."""
    person, _ = person_for_user(user, person_id)
    plan = Plan.objects.filter(person=person).first()
    if plan is None:
        raise PersonNotFound()
    _log(user, AccessLogEntry.Action.VIEW, plan.pk, person.pk, version=plan.version, route="api")
    return plan.versions.select_related("plan").get(number=plan.version)


def plan_for_user(
    user: Any, person_id: int, *, purpose: str = "view"
) -> tuple[Person, Plan | None, PlanVersion | None]:
    """For the API's changes: the child (through the record's access rules, the read logged with its
    purpose), their plan and its current version, if there is a plan yet. Call it outside any
    transaction, as for `person_for_user`."""
    person, _ = person_for_user(user, person_id, purpose=purpose)
    plan = Plan.objects.filter(person=person).select_related("person").first()
    if plan is None:
        return person, None, None
    return person, plan, plan.versions.select_related("plan").get(number=plan.version)


def versions_for_user(user: Any, person_id: int) -> list[PlanVersion]:
    """For the API: every version of the child's plan, newest first, or PersonNotFound (no record, no
    right, or no plan yet)."""
    person, _ = person_for_user(user, person_id)
    plan = Plan.objects.filter(person=person).first()
    if plan is None:
        raise PersonNotFound()
    _log(user, AccessLogEntry.Action.VIEW, plan.pk, person.pk, versions=plan.version, route="api")
    return list(plan.versions.order_by("-number"))


@dataclass
class PlanSummary:
    plan: Plan
    current: PlanVersion
    overdue: int
    last_review: PlanReview | None
    holders: list[Holder] = field(default_factory=list)

    @property
    def with_latest(self) -> int:
        return sum(1 for h in self.holders if h.has_latest)


def summary_for_person(person: Person) -> PlanSummary | None:
    """For the child's record (already opened, access checked and logged by the caller)."""
    plan = Plan.objects.filter(person=person).first()
    if plan is None:
        return None
    current = plan.versions.get(number=plan.version)
    return PlanSummary(
        plan, current, overdue_actions(current, timezone.localdate()), plan.reviews.first(), holders(plan)
    )


@dataclass
class MyPlanRow:
    plan: Plan
    seen: int


@dataclass(frozen=True)
class PlanFilters:
    read: str = ""  # "unread": a version you have not opened; "read": you have the latest
    plan_type: str = ""
    sort: str = ""  # "" new versions to read first, then newest change; "child": by the child's name


PLAN_SORTS = {"": "New versions to read first", "child": "Child's name"}


def my_plans(user: Any, filters: PlanFilters) -> QuerySet[Plan]:
    """The plans of the children this professional works with, each annotated with the version they
    last opened (`seen`) and whether a newer one waits (`unread`). Filtered and sorted in the
    database; the caller takes one page. "A new version you have not read" comes first."""
    from django.db.models import Case, F, IntegerField, Max, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from mace.people.models import Involvement

    last_seen = (
        PlanReceipt.objects.filter(user_id=user.pk, plan_id=OuterRef("pk"))
        .values("plan_id")
        .annotate(m=Max("number"))
        .values("m")
    )
    qs = (
        Plan.objects.filter(
            person__in=visible_to(user),
            person_id__in=Involvement.objects.filter(worker_id=user.pk, ended_at__isnull=True).values(
                "person_id"
            ),
        )
        .exclude(status=PlanStatus.CLOSED)
        .annotate(seen=Coalesce(Subquery(last_seen, output_field=IntegerField()), Value(0)))
        .annotate(
            unread=Case(
                When(seen__lt=F("version"), then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .select_related("person")
    )
    if filters.read == "unread":
        qs = qs.filter(unread=1)
    elif filters.read == "read":
        qs = qs.filter(unread=0)
    if filters.plan_type:
        qs = qs.filter(plan_type=filters.plan_type)
    if filters.sort == "child":
        return qs.order_by("person__family_name", "person__given_names", "pk")
    return qs.order_by("-unread", "-updated_at", "pk")


def partnership_agencies(person: Person) -> list[str]:
    """Agency names an action can be owned by: the child's partnership's agencies."""
    return list(
        Agency.objects.filter(partnerships=person.partnership_id)
        .order_by("name")
        .values_list("name", flat=True)
    )


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnPlanVersion:
    person_id: int
    created_at: Any
    plan_type: str
    status: str


def plan_versions_for_returns(partnership_id: int, *, until: Any) -> list[ReturnPlanVersion]:
    """Every saved version of every plan in the partnership before `until`, in order: the plan types and
    statuses a child's statutory spells (child in need, child protection, cared for) are read from."""
    rows = (
        PlanVersion.objects.filter(plan__partnership_id=partnership_id, created_at__lt=until)
        .order_by("plan__person_id", "created_at", "pk")
        .values_list("plan__person_id", "created_at", "plan_type", "status")
    )
    return [ReturnPlanVersion(p, at, t, s) for p, at, t, s in rows.iterator(chunk_size=5000)]


def plan_reviews_for_returns(partnership_id: int) -> dict[int, list[date]]:
    """The dates each child's plan was reviewed: {person: [dates]}."""
    out: dict[int, list[date]] = {}
    rows = (
        PlanReview.objects.filter(plan__partnership_id=partnership_id)
        .order_by("held_on", "pk")
        .values_list("plan__person_id", "held_on")
    )
    for person_id, held_on in rows.iterator(chunk_size=5000):
        out.setdefault(person_id, []).append(held_on)
    return out


def people_with_plans(person_ids: list[int]) -> set[int]:
    """Which of these children have a plan (one query), for the network's group page."""
    return set(Plan.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
