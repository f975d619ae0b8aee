"""Reading front door work, scoped to the user. The front door sees its partnerships' contacts; a
submitter sees what they sent; teams working with a child see contacts about that child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils import timezone

from mace.accounts.models import Team, User
from mace.accounts.selectors import agency_partnership_ids, figure_partnership_ids
from mace.core import audit, clocks
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.people import linkage
from mace.people.matching import Comparison, compare
from mace.people.models import Involvement, Person
from mace.people.selectors import PersonNotFound

from . import thresholds
from .models import Contact, FrontDoorMeeting, InformationRequest, MeetingAction, PublicReportHit, Task

QUEUE_PAGE = 50


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    caps = capabilities(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Contact.objects.none()
    condition = Q(submitted_by_id=user.pk)
    if caps.front_door:
        condition |= Q(partnership_id__in=agency_partnership_ids(user))
    if caps.records and user.team_id:
        condition |= Q(
            person_id__in=Involvement.objects.filter(team_id=user.team_id, ended_at__isnull=True)
            .exclude(kind=Involvement.Kind.FRONT_DOOR)
            .values("person_id")
        )
    return Contact.objects.filter(condition)


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    agency: str = ""
    status: str = ""
    match: str = ""
    team: str = ""


def next_deadline() -> Any:
    """The nearest deadline still running: the 24-hour review until approval, the same-working-day
    decision until the decision is made, whichever comes first."""
    from django.db.models import F
    from django.db.models.functions import Least

    return Case(
        When(approved_at__isnull=False, then=F("decision_due_at")),
        When(decided_at__isnull=False, then=F("review_due_at")),
        default=Least(F("review_due_at"), F("decision_due_at")),
    )


def front_door_queue_rows(user: Any, filters: QueueFilters) -> QuerySet[Contact]:
    """Open contacts, the nearest deadline of either clock first, then by risk. Paged by the caller."""
    if not capabilities(user).front_door:
        return Contact.objects.none()
    qs = Contact.objects.filter(partnership_id__in=agency_partnership_ids(user)).exclude(
        status=Contact.Status.CLOSED
    )
    if filters.kind in Contact.Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.agency.isdigit():
        qs = qs.filter(source_agency_id=int(filters.agency))
    if filters.status in Contact.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.match in Contact.Match.values:
        qs = qs.filter(match_status=filters.match)
    if filters.team.isdigit():
        # The team already working with the child: contacts about its children come to the top of its mind.
        qs = qs.filter(
            person_id__in=Involvement.objects.filter(team_id=int(filters.team), ended_at__isnull=True).values(
                "person_id"
            )
        )
    return (
        qs.annotate(next_due_at=next_deadline())
        .select_related("person", "source_agency")
        .order_by("next_due_at", "-risk", "pk")
    )


def front_door_queue(
    user: Any, filters: QueueFilters, *, limit: int = QUEUE_PAGE
) -> tuple[list[Contact], int]:
    """The first `limit` rows of the queue and how many there are."""
    qs = front_door_queue_rows(user, filters)
    return list(qs[:limit]), qs.count()


def openable_people(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these children the user may open, so a list links only what will open."""
    from mace.people.selectors import visible_to

    ids = [i for i in person_ids if i]
    if not ids:
        return set()
    return set(visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def needs_review(user: Any) -> list[Contact]:
    if not capabilities(user).front_door:
        return []
    return list(
        Contact.objects.filter(partnership_id__in=agency_partnership_ids(user), person__isnull=True)
        .exclude(status=Contact.Status.CLOSED)
        .select_related("source_agency")
        .order_by("review_due_at")[:200]
    )


def contact_opens(user: Any, contact_id: int | None) -> bool:
    """Whether this user may open the contact: a page links it only then."""
    if contact_id is None:
        return False
    return contacts_visible_to(user).filter(pk=contact_id).exists()


def contact_for_user(user: Any, contact_id: int) -> Contact:
    """One contact, logged; forbidden and missing alike raise PersonNotFound (a 404)."""
    contact = (
        contacts_visible_to(user)
        .select_related(
            "person",
            "source_agency",
            "allocated_team",
            "allocated_worker",
            "decided_by",
            "approved_by",
            "analysed_by",
            "partnership",
            "submitted_by",
        )
        .filter(pk=contact_id)
        .first()
    )
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                AccessLogEntry.Action.VIEW if contact else AccessLogEntry.Action.DENY,
                "contact",
                str(contact_id),
                contact.person_id if contact else None,
            ),
        )
    if contact is None:
        raise PersonNotFound()
    return contact


@dataclass
class Candidate:
    person: Person
    comparison: Comparison
    model_version: str = ""  # the linkage model that scored it


def match_candidates(user: Any, contact: Contact) -> list[Candidate]:
    """Candidates for a worker to compare side by side, best first. Each one shown is logged."""
    if not capabilities(user).front_door:
        return []
    match = linkage.match_subject(contact.subject, contact.partnership_id)
    subject = linkage.subject_record(contact.subject)
    scored = sorted(
        (
            (compare(subject, record), pk)
            for pk, record in zip(match.candidate_ids, match.records, strict=True)
        ),
        key=lambda pair: -pair[0].probability,
    )[:10]
    people = Person.objects.in_bulk([pk for _, pk in scored])
    version = match.decision.model_version
    shown = [Candidate(people[pk], comparison, version) for comparison, pk in scored if pk in people]
    audit.record_many(
        audit.Actor.of(user),
        [
            audit.Event(
                AccessLogEntry.Action.VIEW,
                "person",
                str(c.person.pk),
                c.person.pk,
                detail={"purpose": "matching", "contact": contact.pk},
            )
            for c in shown
        ],
    )
    return shown


def contact_requests(contact: Contact) -> list[InformationRequest]:
    return list(contact.requests.all())


def contact_history(contact: Contact, limit: int = 10) -> list[Contact]:
    if contact.person_id is None:
        return []
    return list(
        Contact.objects.filter(person_id=contact.person_id)
        .exclude(pk=contact.pk)
        .select_related("source_agency")
        .order_by("-received_at")[:limit]
    )


def allocation_teams(contact: Contact) -> list[Team]:
    return list(
        Team.objects.filter(
            partnership_id=contact.partnership_id, front_door=False, agency__kind__in=["csc", "early_help"]
        )
        .select_related("agency")
        .order_by("name")
    )


def allocation_workers(contact: Contact) -> list[User]:
    return list(
        User.objects.filter(
            team__partnership_id=contact.partnership_id,
            team__front_door=False,
            team__agency__kind__in=["csc", "early_help"],
            is_active=True,
        )
        .select_related("team")
        .order_by("team__name", "last_name")
    )


def todays_contacts_for_team(user: Any, *, today: date | None = None) -> list[Contact]:
    """Same-day sharing (3.1b): what arrived today about the children this user's team works with."""
    if not user.team_id or not capabilities(user).records:
        return []
    today = today or timezone.localdate()
    start = datetime.combine(today, datetime.min.time(), tzinfo=clocks.LONDON)
    return list(
        Contact.objects.filter(
            received_at__gte=start,
            person_id__in=Involvement.objects.filter(team_id=user.team_id, ended_at__isnull=True)
            .exclude(kind=Involvement.Kind.FRONT_DOOR)
            .values("person_id"),
        )
        .select_related("person", "source_agency")
        .order_by("-received_at")[:100]
    )


def open_tasks(user: Any) -> list[Task]:
    if not user.team_id:
        return []
    return list(
        Task.objects.filter(team_id=user.team_id, completed_at__isnull=True)
        .select_related("person", "assignee")
        .order_by("due_at")[:100]
    )


def threshold_for(contact: Contact) -> thresholds.Threshold:
    from .services import contact_threshold

    return contact_threshold(contact)


# Meetings ------------------------------------------------------------------------------------------


def daily_meeting_contacts(user: Any, day: date) -> dict[str, list[Contact]]:
    """Today's VPAs and contacts, agency by agency (2.1e)."""
    if not capabilities(user).front_door:
        return {}
    start = datetime.combine(day, datetime.min.time(), tzinfo=clocks.LONDON)
    rows = (
        Contact.objects.filter(
            partnership_id__in=agency_partnership_ids(user),
            received_at__gte=start,
            received_at__lt=start + timedelta(days=1),
        )
        .select_related("source_agency", "person")
        .order_by("source_agency__name", "received_at")
    )
    grouped: dict[str, list[Contact]] = {}
    for c in rows:
        grouped.setdefault(c.source_agency.name if c.source_agency else "Public and unknown", []).append(c)
    return grouped


def weekly_meeting_contacts(user: Any, week_start: date) -> list[Contact]:
    """Every child screened in the week, for the retrospective review of immediate safety planning (3.1f)."""
    if not capabilities(user).front_door:
        return []
    start = datetime.combine(week_start, datetime.min.time(), tzinfo=clocks.LONDON)
    return list(
        Contact.objects.filter(
            partnership_id__in=agency_partnership_ids(user),
            kind=Contact.Kind.SCREENING,
            received_at__gte=start,
            received_at__lt=start + timedelta(days=7),
        )
        .select_related("person", "source_agency")
        .order_by("received_at")
    )


def meeting_for(user: Any, kind: str, held_on: date) -> FrontDoorMeeting | None:
    if not capabilities(user).front_door:
        return None
    return (
        FrontDoorMeeting.objects.filter(
            partnership_id__in=agency_partnership_ids(user), kind=kind, held_on=held_on
        )
        .prefetch_related("agencies_present")
        .first()
    )


def meeting_actions(meeting: FrontDoorMeeting | None) -> list[MeetingAction]:
    if meeting is None:
        return []
    return list(meeting.actions.select_related("owner_agency", "contact").order_by("due_on"))


# Performance ---------------------------------------------------------------------------------------


@dataclass
class Rate:
    label: str
    met: int
    total: int
    link: str

    @property
    def percent(self) -> float:
        return 100.0 * self.met / self.total if self.total else 0.0

    @property
    def text(self) -> str:
        return f"{self.met:,} of {self.total:,} ({self.percent:.0f}%)" if self.total else "Nothing due"


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Performance:
    since: date
    until: date
    reviewed_24h: Rate
    decided_on_time: Rate
    by_weekday: list[tuple[str, int, Rate]]
    by_agency: list[tuple[str, Rate, Rate]]
    by_team: list[tuple[str, Rate, Rate]]
    by_month: list[tuple[str, int, Rate, Rate]]
    voice_missing: Rate


def performance_contacts(user: Any) -> QuerySet[Contact]:
    caps = capabilities(user)
    if not caps.aggregates and not caps.front_door:
        return Contact.objects.none()
    partnerships = figure_partnership_ids(user) if caps.aggregates else agency_partnership_ids(user)
    return Contact.objects.filter(partnership_id__in=partnerships)


def review_due_by(now: datetime) -> Q:
    """Contacts whose 24-hour review counts at `now`: reviewed (approved), or its deadline has passed.
    One still inside its 24 hours and not yet reviewed is neither on time nor late."""
    return Q(approved_at__isnull=False) | Q(review_due_at__lte=now)


def decision_due_by(now: datetime) -> Q:
    """Contacts whose same-working-day decision counts at `now`: decided, or its deadline has passed."""
    return Q(decided_at__isnull=False) | Q(decision_due_at__lte=now)


REVIEW_MET = Q(approved_at__isnull=False, approved_at__lte=F("review_due_at"))
DECISION_MET = Q(decided_at__isnull=False, decided_at__lte=F("decision_due_at"))


def _rates(qs: QuerySet[Contact], label: str, link: str, now: datetime) -> tuple[Rate, Rate]:
    row = qs.aggregate(
        review_due=Count("pk", filter=review_due_by(now)),
        reviewed=Count("pk", filter=REVIEW_MET),
        decision_due=Count("pk", filter=decision_due_by(now)),
        decided=Count("pk", filter=DECISION_MET),
    )
    return (
        Rate(label, row["reviewed"], row["review_due"], link + "&met=review"),
        Rate(label, row["decided"], row["decision_due"], link + "&met=decision"),
    )


def performance(user: Any, since: date, until: date, *, now: datetime | None = None) -> Performance:
    """Computed from the records, never typed in. Every figure links to the contacts behind it. A
    rate counts only contacts whose clock is due: done, or past its deadline."""
    now = now or timezone.now()
    start = datetime.combine(since, datetime.min.time(), tzinfo=clocks.LONDON)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=clocks.LONDON)
    base = performance_contacts(user).filter(received_at__gte=start, received_at__lt=end)
    period = f"?since={since.isoformat()}&until={until.isoformat()}"
    reviewed, decided = _rates(base, "All contacts", "/front-door/contacts/" + period, now)
    by_weekday = []
    counts = {
        int(r["d"]): r["n"]
        for r in base.annotate(d=_weekday("received_at")).values("d").annotate(n=Count("pk"))
    }
    for i, name in enumerate(WEEKDAYS):
        sub = base.filter(received_at__week_day=(i + 1) % 7 + 1)
        rev, _ = _rates(sub, name, f"/front-door/contacts/{period}&weekday={(i + 1) % 7 + 1}", now)
        by_weekday.append((name, counts.get((i + 1) % 7 + 1, 0), rev))
    by_agency = []
    for agency_id, name in (
        base.values_list("source_agency_id", "source_agency__name").distinct().order_by("source_agency__name")
    ):
        sub = (
            base.filter(source_agency_id=agency_id) if agency_id else base.filter(source_agency__isnull=True)
        )
        r, d = _rates(
            sub,
            name or "Public and unknown",
            f"/front-door/contacts/{period}&agency={agency_id or 'none'}",
            now,
        )
        by_agency.append((name or "Public and unknown", r, d))
    by_team = []
    for team_id, name in (
        base.filter(allocated_team__isnull=False)
        .values_list("allocated_team_id", "allocated_team__name")
        .distinct()
        .order_by("allocated_team__name")
    ):
        r, d = _rates(
            base.filter(allocated_team_id=team_id), name, f"/front-door/contacts/{period}&team={team_id}", now
        )
        by_team.append((name, r, d))
    by_month = []
    month = date(since.year, since.month, 1)
    while month <= until:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        ms = datetime.combine(month, datetime.min.time(), tzinfo=clocks.LONDON)
        me = datetime.combine(nxt, datetime.min.time(), tzinfo=clocks.LONDON)
        label = month.strftime("%B %Y")
        in_month = base.filter(received_at__gte=ms, received_at__lt=me)
        r, d = _rates(
            in_month,
            label,
            f"/front-door/contacts/?since={month.isoformat()}&until={(nxt - timedelta(days=1)).isoformat()}",
            now,
        )
        by_month.append((label, in_month.count(), r, d))
        month = nxt
    decided_rows = base.filter(decided_at__isnull=False)
    voice = Rate(
        "Decided without the child's voice",
        decided_rows.filter(child_voice="").count(),
        decided_rows.count(),
        "/front-door/contacts/" + period + "&voice=missing",
    )
    return Performance(since, until, reviewed, decided, by_weekday, by_agency, by_team, by_month, voice)


def _weekday(field: str) -> Any:
    from django.db.models.functions import ExtractWeekDay

    return ExtractWeekDay(field, tzinfo=clocks.LONDON)


def contact_list(user: Any, params: dict[str, str]) -> QuerySet[Contact]:
    """The contacts behind a figure: the same filters the performance page used, newest first; paged
    by the caller."""
    qs = performance_contacts(user)
    try:
        since = date.fromisoformat(params.get("since", ""))
        until = date.fromisoformat(params.get("until", ""))
    except ValueError:
        until = timezone.localdate()
        since = until - timedelta(days=30)
    start = datetime.combine(since, datetime.min.time(), tzinfo=clocks.LONDON)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=clocks.LONDON)
    qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if params.get("weekday", "").isdigit():
        qs = qs.filter(received_at__week_day=int(params["weekday"]))
    agency = params.get("agency", "")
    if agency == "none":
        qs = qs.filter(source_agency__isnull=True)
    elif agency.isdigit():
        qs = qs.filter(source_agency_id=int(agency))
    if params.get("team", "").isdigit():
        qs = qs.filter(allocated_team_id=int(params["team"]))
    if params.get("met") == "review":
        qs = qs.filter(REVIEW_MET)
    elif params.get("met") == "decision":
        qs = qs.filter(DECISION_MET)
    elif params.get("met") == "review-missed":
        qs = qs.filter(review_due_by(timezone.now())).exclude(REVIEW_MET)
    if params.get("voice") == "missing":
        qs = qs.filter(decided_at__isnull=False, child_voice="")
    return qs.select_related("source_agency", "person").order_by("-received_at", "-pk")


def linkable_person(user: Any, contact: Contact, person_id: int) -> Person | None:
    """Only a candidate the matcher offered may be linked: no linking to an arbitrary record."""
    if not capabilities(user).front_door:
        return None
    ids = linkage.candidate_ids(linkage.subject_record(contact.subject), contact.partnership_id)
    if person_id not in ids:
        return None
    return Person.objects.filter(pk=person_id).first()


def allocation_target(
    contact: Contact, team_id: int | None, worker_id: int | None
) -> tuple[Team | None, User | None]:
    teams = {t.pk: t for t in allocation_teams(contact)}
    team = teams.get(team_id) if team_id else None
    worker = User.objects.filter(pk=worker_id, is_active=True).first() if worker_id else None
    return team, worker


def information_request_for(user: Any, request_id: int) -> InformationRequest | None:
    request = InformationRequest.objects.select_related("contact").filter(pk=request_id).first()
    if request is None or not contacts_visible_to(user).filter(pk=request.contact_id).exists():
        return None
    return request


def public_reports_exhausted(source: str) -> bool:
    """Whether a public form source has used its reports for the hour (checked again when storing)."""
    since = timezone.now() - PublicReportHit.WINDOW
    return PublicReportHit.objects.filter(source=source, at__gte=since).count() >= PublicReportHit.LIMIT


def public_partnership() -> Any:
    """The partnership the public form serves (one deployment, one public front door)."""
    from django.conf import settings

    from mace.accounts.models import Partnership

    code = getattr(settings, "MACE_PUBLIC_PARTNERSHIP", "")
    qs = Partnership.objects.order_by("pk")
    return (qs.filter(code=code).first() if code else None) or qs.first()


def agency_by_code(code: str) -> Any:
    from mace.accounts.models import Agency

    return Agency.objects.filter(code=code).first()


def meeting_agencies(user: Any) -> list[Any]:
    from mace.accounts.models import Agency

    return list(
        Agency.objects.filter(partnerships__in=agency_partnership_ids(user)).distinct().order_by("name")
    )


def meeting_action_for(user: Any, action_id: int) -> MeetingAction | None:
    if not capabilities(user).front_door:
        return None
    return (
        MeetingAction.objects.select_related("meeting")
        .filter(pk=action_id, meeting__partnership_id__in=agency_partnership_ids(user))
        .first()
    )


def queue_teams(user: Any) -> list[Team]:
    """Teams a queue can be filtered by: the partnership's teams that work with children."""
    return list(
        Team.objects.filter(partnership_id__in=agency_partnership_ids(user), front_door=False).order_by(
            "name"
        )
    )


# Statutory returns (read by the exports module) ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnContact:
    id: int
    person_id: int
    received_at: datetime
    decided_at: datetime | None
    decision: str
    concerns: tuple[str, ...]
    source_agency_kind: str  # "" for a member of the public or an unknown source
    kind: str
    team: str
    worker: str  # the allocated worker's name ("" when none)


def contacts_for_returns(partnership_id: int, *, until: datetime) -> list[ReturnContact]:
    """Every contact about an identified child received before `until`, oldest first."""
    rows = (
        Contact.objects.filter(partnership_id=partnership_id, person__isnull=False, received_at__lt=until)
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "person_id",
            "received_at",
            "decided_at",
            "decision",
            "concerns",
            "source_agency__kind",
            "kind",
            "allocated_team__name",
            "allocated_worker__first_name",
            "allocated_worker__last_name",
        )
    )
    return [
        ReturnContact(
            pk,
            pid,
            rec,
            dec,
            decision or "",
            tuple(concerns or ()),
            agency or "",
            kind,
            team or "",
            f"{first or ''} {last or ''}".strip(),
        )
        for pk, pid, rec, dec, decision, concerns, agency, kind, team, first, last in rows.iterator(
            chunk_size=5000
        )
    ]


@dataclass(frozen=True)
class AuditCandidate:
    """A contact an audit's dip sample may draw: ids only (no name), the allocated team (a stratum)."""

    source_id: int
    person_id: int | None
    team_id: int | None
    occurred_at: Any


def audit_candidates(*, partnership_id: int, start: date, end: date, flag: str = "") -> list[AuditCandidate]:
    """Contacts decided from `start` to `end` (inclusive, local dates) in a partnership, optionally only of
    children with an active flag (cse, cce), for an audit's dip sample. In id order (reproducible draws)."""
    qs = Contact.objects.filter(
        partnership_id=partnership_id, decided_at__date__gte=start, decided_at__date__lte=end
    )
    if flag:
        qs = qs.filter(person__flags__kind=flag, person__flags__removed_at__isnull=True).distinct()
    return [
        AuditCandidate(*row)
        for row in qs.order_by("pk").values_list("pk", "person_id", "allocated_team_id", "decided_at")
    ]


def contacts_for_network(partnership_id: int, *, since: datetime) -> list[Any]:
    """The network module's reading of contacts (matched to a child) for proposing associations from the
    summary's free text."""
    return list(
        Contact.objects.filter(
            partnership_id=partnership_id, person__isnull=False, received_at__gte=since
        ).values("pk", "person_id", "received_at", "summary")
    )
