"""Casework changes: visits, placements, timetable sessions and weekly attendance, supervision, and
the periodic work (monthly caseload snapshots, voice-of-the-child alerts).

Every function is keyword-only, validates (every problem at once, keyed by field), and writes the
record, the chronology and the access log in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Role, User
from mace.core import audit, clocks, voice
from mace.core import services as core_services
from mace.core.models import AccessLogEntry, Notification
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement, Person

from . import figures
from .models import (
    CaseloadSnapshot,
    Placement,
    SessionAttendance,
    Supervision,
    SupervisionAction,
    TimetableSession,
    Visit,
    VoiceAlert,
)

MAX_TEXT = 20_000
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


_actor = core_services.actor
_label = core_services.label
_require = core_services.require


def _agency(by: By) -> Any:
    return by.agency if isinstance(by, User) else None


def _today() -> date:
    return timezone.localdate()


def _log(by: By, action: str, kind: str, obj: Any, person_id: int, **detail: Any) -> None:
    audit.record(_actor(by), audit.Event(action, kind, str(obj.pk), person_id, detail=detail))


# Visits --------------------------------------------------------------------------------------------


@dataclass
class VisitIn:
    visited_on: date | None
    seen: bool | None
    seen_alone: bool | None
    place: str
    child_words: str
    observations: str


def validate_visit(data: VisitIn, *, today: date | None = None) -> dict[str, str]:
    today = today or _today()
    errors: dict[str, str] = {}
    if data.visited_on is None:
        errors["visited_on"] = "Enter the date of the visit"
    elif data.visited_on > today:
        errors["visited_on"] = "The visit cannot be in the future"
    if data.seen is None:
        errors["seen"] = "Say whether the child was seen"
    if data.seen and data.seen_alone is None:
        errors["seen_alone"] = "Say whether the child was seen alone"
    if data.seen is False and data.seen_alone:
        errors["seen_alone"] = "A child who was not seen cannot have been seen alone"
    if data.seen is False and data.child_words.strip():
        errors["child_words"] = "The child was not seen: record what others said in your observations"
    if not data.place.strip():
        errors["place"] = "Say where the visit took place"
    if not data.observations.strip():
        errors["observations"] = "Record what you saw and what it tells you about the child's life"
    if len(data.observations) > MAX_TEXT or len(data.child_words) > MAX_TEXT:
        errors["observations"] = "Keep each text to 20,000 characters"
    return errors


def visit_record(*, person: Person, data: VisitIn, by: By) -> Visit:
    _require(by, "record_visits", "This role does not record visits.")
    errors = validate_visit(data)
    if errors:
        raise ValidationError(errors)
    assert data.visited_on is not None
    with transaction.atomic():
        visit = Visit.objects.create(
            person=person,
            visited_on=data.visited_on,
            by=by if isinstance(by, User) else None,
            by_label=_label(by),
            agency=_agency(by),
            seen=bool(data.seen),
            seen_alone=bool(data.seen and data.seen_alone),
            place=data.place.strip()[:200],
            child_words=data.child_words.strip(),
            observations=data.observations.strip(),
            recorded_at=timezone.now(),
        )
        seen = "seen alone" if visit.seen_alone else ("seen" if visit.seen else "not seen")
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.VISIT,
            occurred_at=datetime.combine(visit.visited_on, time(12), tzinfo=clocks.LONDON),
            title=f"Visit at {visit.place}: child {seen}",
            body=(f"The child said: {visit.child_words}" if visit.child_words else "")[:2000],
            actor=_actor(by),
            agency=visit.agency,
        )
        _log(by, AccessLogEntry.Action.CREATE, "visit", visit, person.pk)
    return visit


# Placements ----------------------------------------------------------------------------------------


def placement_record(
    *, person: Person, kind: str, description: str, started_on: date | None, by: By
) -> Placement:
    _require(by, "timetables", "This role does not record placements.")
    errors: dict[str, str] = {}
    if kind not in Placement.Kind.values:
        errors["kind"] = "Choose the type of placement"
    if not description.strip():
        errors["description"] = "Describe the placement, like the carer or home and the town"
    if started_on is None:
        errors["started_on"] = "Enter the date the child moved"
    elif started_on > _today():
        errors["started_on"] = "A move cannot be in the future"
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    with transaction.atomic():
        placement = Placement.objects.create(
            person=person,
            kind=kind,
            description=description.strip()[:200],
            started_on=started_on,
            recorded_by_label=_label(by),
        )
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.RECORD,
            occurred_at=datetime.combine(started_on, time(12), tzinfo=clocks.LONDON),
            title=f"Placement move: {placement.get_kind_display()}, {placement.description}",
            actor=_actor(by),
            agency=_agency(by),
        )
        _log(by, AccessLogEntry.Action.CREATE, "placement", placement, person.pk)
    return placement


# The activity timetable ----------------------------------------------------------------------------


@dataclass
class SessionIn:
    weekday: int | None
    starts_at: time | None
    ends_at: time | None
    kind: str
    provider: str
    active_from: date | None


def validate_session(data: SessionIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.weekday is None or not 0 <= data.weekday <= 6:
        errors["weekday"] = "Choose the day of the week"
    if data.starts_at is None:
        errors["starts_at"] = "Enter the start time, like 09:30"
    if data.ends_at is None:
        errors["ends_at"] = "Enter the end time, like 12:00"
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors["ends_at"] = "The session must end after it starts"
    if data.kind not in TimetableSession.Kind.values:
        errors["kind"] = "Choose the kind of activity"
    if not data.provider.strip():
        errors["provider"] = "Say who provides the session"
    if data.active_from is None:
        errors["active_from"] = "Enter the date of the first session"
    return errors


def session_add(*, person: Person, data: SessionIn, by: By) -> TimetableSession:
    _require(by, "timetables", "This role does not plan timetables.")
    errors = validate_session(data)
    if errors:
        raise ValidationError(errors)
    assert data.active_from is not None and data.weekday is not None
    assert data.starts_at is not None and data.ends_at is not None
    with transaction.atomic():
        session = TimetableSession.objects.create(
            person=person,
            weekday=data.weekday,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            kind=data.kind,
            provider=data.provider.strip()[:200],
            active_from=data.active_from,
            created_by_label=_label(by),
        )
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.EDUCATION,
            title=(
                f"Timetable: {session.get_kind_display()} on {WEEKDAYS[session.weekday]}s "
                f"{session.starts_at:%H:%M} to {session.ends_at:%H:%M} with {session.provider}"
            ),
            actor=_actor(by),
            agency=_agency(by),
        )
        _log(by, AccessLogEntry.Action.CREATE, "timetable_session", session, person.pk)
    return session


def session_end(*, session: TimetableSession, last_day: date | None, by: By) -> TimetableSession:
    """The session stops running (the provider ended it, or the child's plan changed). Weeks after
    its last day no longer plan it; weeks before keep their attendance."""
    _require(by, "timetables", "This role does not plan timetables.")
    errors: dict[str, str] = {}
    if last_day is None:
        errors["last_day"] = "Enter the date of the last session"
    elif last_day < session.active_from:
        errors["last_day"] = "The last session cannot be before the first"
    if session.active_until is not None:
        errors["__all__"] = "This session has already ended"
    if errors:
        raise ValidationError(errors)
    assert last_day is not None
    with transaction.atomic():
        session = TimetableSession.objects.select_for_update().get(pk=session.pk)
        if session.active_until is not None:
            raise ValidationError({"__all__": "This session has already ended"})
        session.active_until = last_day
        session.save(update_fields=["active_until"])
        people_services.chronology_add(
            person=session.person,
            kind=ChronologyEvent.Kind.EDUCATION,
            title=(
                f"Timetable: {session.get_kind_display()} on {WEEKDAYS[session.weekday]}s with "
                f"{session.provider} ended (last session {last_day:%-d %B %Y})"
            ),
            actor=_actor(by),
            agency=_agency(by),
        )
        _log(by, AccessLogEntry.Action.UPDATE, "timetable_session", session, session.person_id, ended=True)
    return session


@dataclass
class Mark:
    attended: bool | None  # None: not answered
    reason: str = ""


@dataclass
class WeekIn:
    week_starting: date
    marks: dict[int, Mark] = field(default_factory=dict)  # by session id


def validate_week(
    sessions: list[TimetableSession], data: WeekIn, *, today: date | None = None
) -> dict[str, str]:
    today = today or _today()
    errors: dict[str, str] = {}
    if data.week_starting.weekday() != 0:
        return {"week_starting": "A timetable week starts on a Monday"}
    if data.week_starting > today:
        return {"week_starting": "Attendance cannot be recorded for a week that has not started"}
    ids = {s.pk for s in sessions}
    for session_id in data.marks:
        if session_id not in ids:
            errors["__all__"] = "A session on this form is not on the child's timetable that week"
    for s in sessions:
        mark = data.marks.get(s.pk)
        day = data.week_starting + timedelta(days=s.weekday)
        name = f"session_{s.pk}"
        if mark is None or mark.attended is None:
            if day <= today:
                errors[name] = (
                    f"Say whether the child attended {s.get_kind_display().lower()} on {WEEKDAYS[s.weekday]}"
                )
            continue
        if day > today:
            errors[name] = f"The {WEEKDAYS[s.weekday]} session has not happened yet"
        elif mark.attended is False and not mark.reason.strip():
            errors[f"reason_{s.pk}"] = f"Give the reason the child did not attend on {WEEKDAYS[s.weekday]}"
    return errors


def sessions_in_week(person: Person, week: date) -> list[TimetableSession]:
    return [
        s
        for s in TimetableSession.objects.filter(person=person).order_by("weekday", "starts_at", "pk")
        if _planned(s).runs_in(week)
    ]


def _planned(s: TimetableSession) -> figures.PlannedSession:
    return figures.PlannedSession(s.pk, s.weekday, s.minutes, s.kind, s.active_from, s.active_until)


def week_attendance_record(*, person: Person, data: WeekIn, by: By) -> figures.WeekFigures:
    """Record (or correct) a week's attendance, one mark per planned session that has happened."""
    _require(by, "timetables", "This role does not record timetable attendance.")
    with transaction.atomic():
        sessions = sessions_in_week(person, data.week_starting)
        errors = validate_week(sessions, data)
        if not sessions and "week_starting" not in errors:
            errors["week_starting"] = "The child has no sessions planned that week"
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        label = _label(by)
        for s in sessions:
            mark = data.marks.get(s.pk)
            if mark is None or mark.attended is None:
                continue
            SessionAttendance.objects.update_or_create(
                session=s,
                week_starting=data.week_starting,
                defaults={
                    "attended": mark.attended,
                    "reason": "" if mark.attended else mark.reason.strip()[:300],
                    "recorded_by_label": label,
                    "recorded_at": now,
                },
            )
        marks = {
            (a.session_id, a.week_starting): a.attended
            for a in SessionAttendance.objects.filter(session__in=sessions, week_starting=data.week_starting)
        }
        week = figures.week_figures([_planned(s) for s in sessions], marks, data.week_starting)
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.EDUCATION,
            occurred_at=datetime.combine(data.week_starting, time(9), tzinfo=clocks.LONDON),
            title=(
                f"Timetable week of {data.week_starting:%-d %b %Y}: attended {week.attended} of "
                f"{week.planned} sessions, {week.tuition_hours:g} hours tuition"
            ),
            actor=_actor(by),
            agency=_agency(by),
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "timetable_week",
                f"{person.pk}:{data.week_starting.isoformat()}",
                person.pk,
                detail={"attended": week.attended, "planned": week.planned},
            ),
        )
    return week


# Supervision ---------------------------------------------------------------------------------------


@dataclass
class ActionIn:
    text: str
    owner: str
    due_on: date | None


@dataclass
class SupervisionIn:
    held_on: date | None
    attendees: str
    reflection: str
    safer: str
    analysis: str
    actions: list[ActionIn] = field(default_factory=list)


def allocated_worker(person: Person) -> Any:
    inv = (
        Involvement.objects.filter(person=person, kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True)
        .exclude(worker=None)
        .select_related("worker")
        .order_by("-started_at")
        .first()
    )
    return inv.worker if inv else None


def validate_supervision(data: SupervisionIn, *, today: date | None = None) -> dict[str, str]:
    today = today or _today()
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = "Enter the date supervision took place"
    elif data.held_on > today:
        errors["held_on"] = "Supervision cannot be recorded before it happens"
    if not data.attendees.strip():
        errors["attendees"] = "Say who attended"
    if not data.reflection.strip():
        errors["reflection"] = "Record the reflection: what is happening for the child and why"
    if data.safer not in Supervision.Safer.values:
        errors["safer"] = "Say whether the child is safer because of the plan"
    if not data.analysis.strip():
        errors["analysis"] = "Give your analysis of whether the child is safer because of the plan, and why"
    for i, a in enumerate(data.actions, start=1):
        if not a.text.strip():
            errors.setdefault(f"action_{i}", f"Action {i}: say what will be done")
        elif not a.owner.strip():
            errors[f"action_{i}"] = f"Action {i}: every action needs an owner"
        elif a.due_on is None:
            errors[f"action_{i}"] = f"Action {i}: give a due date"
        elif data.held_on and a.due_on < data.held_on:
            errors[f"action_{i}"] = f"Action {i}: the due date cannot be before the supervision"
    return errors


def supervision_record(*, person: Person, data: SupervisionIn, by: By) -> Supervision:
    _require(by, "supervise", "Only a manager records case supervision.")
    errors = validate_supervision(data)
    worker = allocated_worker(person)
    if worker is None:
        errors["__all__"] = "The child has no allocated worker to supervise"
    if errors:
        raise ValidationError(errors)
    assert data.held_on is not None
    with transaction.atomic():
        supervision = Supervision.objects.create(
            person=person,
            worker=worker,
            manager=by if isinstance(by, User) else None,
            manager_label=_label(by),
            held_on=data.held_on,
            attendees=data.attendees.strip()[:500],
            reflection=data.reflection.strip(),
            safer=data.safer,
            analysis=data.analysis.strip(),
            next_due_on=clocks.add_working_days(data.held_on, settings.MACE_SUPERVISION_WORKING_DAYS),
            recorded_at=timezone.now(),
        )
        SupervisionAction.objects.bulk_create(
            SupervisionAction(
                supervision=supervision,
                text=a.text.strip()[:500],
                owner=a.owner.strip()[:150],
                due_on=a.due_on,
            )
            for a in data.actions
            if a.due_on is not None
        )
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.PLAN,
            occurred_at=datetime.combine(data.held_on, time(12), tzinfo=clocks.LONDON),
            title=f"Case supervision: {supervision.get_safer_display()}",
            body=supervision.analysis[:2000],
            actor=_actor(by),
            agency=_agency(by),
        )
        _log(by, AccessLogEntry.Action.CREATE, "supervision", supervision, person.pk, safer=data.safer)
    return supervision


# Periodic work -------------------------------------------------------------------------------------


def month_start(d: date) -> date:
    return d.replace(day=1)


def snapshot_caseloads(month: date, *, now: datetime | None = None) -> int:
    """Children allocated on the first of `month` (00:00 London), by team and worker. Idempotent:
    a month already taken is left alone, so the tick can run every minute."""
    month = month_start(month)
    if CaseloadSnapshot.objects.filter(month=month).exists():
        return 0
    at = datetime.combine(month, time(0), tzinfo=clocks.LONDON).astimezone(UTC)
    rows = (
        Involvement.objects.filter(kind=Involvement.Kind.ALLOCATED, started_at__lte=at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .values("team_id", "worker_id")
        .annotate(n=Count("person_id", distinct=True))
    )
    taken = now or timezone.now()
    snaps = [
        CaseloadSnapshot(
            month=month, team_id=r["team_id"], worker_id=r["worker_id"], children=r["n"], taken_at=taken
        )
        for r in rows
    ]
    try:
        with transaction.atomic():
            CaseloadSnapshot.objects.bulk_create(snaps)
    except IntegrityError:
        return 0  # another worker took it first
    return len(snaps)


def voice_period(today: date) -> int:
    return today.toordinal() // settings.MACE_VOICE_DAYS


def unheard(person_ids: list[int], today: date) -> dict[int, tuple[datetime, str] | None]:
    """The children among these not heard within the voice standard: when last heard, or None if never."""
    heard = voice.last_heard(person_ids)
    cutoff = datetime.combine(today - timedelta(days=settings.MACE_VOICE_DAYS), time(0), tzinfo=clocks.LONDON)
    return {pid: heard.get(pid) for pid in person_ids if pid not in heard or heard[pid][0] < cutoff}


def send_voice_alerts(now: datetime | None = None) -> int:
    """Tell each allocated worker, and their team's managers, once a period, about each of their
    children whose recent records lack the child's own words (1.1)."""
    now = now or timezone.now()
    today = now.astimezone(clocks.LONDON).date()
    period = voice_period(today)
    allocations = list(
        Involvement.objects.filter(
            kind=Involvement.Kind.ALLOCATED, ended_at__isnull=True, person__archived_at=None
        )
        .exclude(worker=None)
        .values_list("person_id", "worker_id", "team_id")
    )
    if not allocations:
        return 0
    flagged = unheard(sorted({p for p, _, _ in allocations}), today)
    if not flagged:
        return 0
    managers: dict[int, list[int]] = {}
    for uid, team_id in User.objects.filter(
        is_active=True, role_assignments__role=Role.TEAM_MANAGER, team_id__in={t for _, _, t in allocations}
    ).values_list("pk", "team_id"):
        managers.setdefault(team_id, []).append(uid)
    wanted = {
        (pid, uid)
        for pid, worker, team in allocations
        if pid in flagged
        for uid in [worker, *managers.get(team, [])]
    }
    sent = set(
        VoiceAlert.objects.filter(period=period, person_id__in=flagged).values_list("person_id", "user_id")
    )
    new = sorted(wanted - sent)
    if not new:
        return 0
    names = {p.pk: p.display_name for p in Person.objects.filter(pk__in={p for p, _ in new})}
    days = settings.MACE_VOICE_DAYS
    with transaction.atomic():
        VoiceAlert.objects.bulk_create(
            [VoiceAlert(person_id=p, user_id=u, period=period, sent_at=now) for p, u in new],
            ignore_conflicts=True,
        )
        Notification.objects.bulk_create(
            Notification(
                user_id=u,
                title=f"Not heard in {days} days: {names.get(p, 'a child')}"[:200],
                body="No record of the child's own words in recent visits, plans, meetings or interviews.",
                link=f"/casework/children/{p}/",
            )
            for p, u in new
        )
    return len(new)


def tick_caseload_snapshots(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return snapshot_caseloads(now.astimezone(clocks.LONDON).date(), now=now)


def tick(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"caseload_snapshots": tick_caseload_snapshots(now), "voice_alerts": send_voice_alerts(now)}
