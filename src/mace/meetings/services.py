"""Meetings from invitation to shared minutes. Every function validates, writes the chronology and the
access log, and does its work in one transaction. The minutes clock comes only from `core.clocks`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, Role, Team, User
from mace.core import audit, clocks
from mace.core import services as core_services
from mace.core.access import capabilities
from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor import services as frontdoor_services
from mace.frontdoor.models import Task
from mace.frontdoor.services import standards
from mace.missing import services as missing_services
from mace.missing.models import StrategyRequirement
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement, Person

from .models import Invitation, Meeting, MeetingAction, RotaSlot

MAX_TEXT = 50_000


_actor = core_services.actor


def _require(by: By) -> None:
    core_services.require(by, "meetings", "This account cannot arrange or record meetings.")


def _require_strategy(by: By) -> None:
    """A meeting for a child missing 48 hours satisfies the requirement when held: only roles that record
    strategy meetings (as on the missing episode) may arrange or record one."""
    core_services.require(
        by, "record_strategy", "This account cannot record strategy meetings for children missing 48 hours."
    )


def _log(by: By, what: str, meeting: Meeting, person_id: int | None = None, **detail: Any) -> None:
    audit.record(_actor(by), audit.Event(what, "meeting", str(meeting.pk), person_id, detail=detail))


def rota_officer(partnership_id: int, day: date) -> User | None:
    slot = RotaSlot.objects.filter(partnership_id=partnership_id, day=day).select_related("officer").first()
    return slot.officer if slot else None


def professionals_for(children: list[Person]) -> list[tuple[User, str]]:
    """Every professional with an open involvement with any of the children, across agencies."""
    seen: dict[int, tuple[User, str]] = {}
    for inv in (
        Involvement.objects.filter(person__in=children, ended_at__isnull=True, worker__isnull=False)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .select_related("worker", "team")
        .order_by("kind", "pk")
    ):
        assert inv.worker is not None
        if inv.worker.is_active and inv.worker.pk not in seen:
            seen[inv.worker.pk] = (inv.worker, f"{inv.get_kind_display()}: {inv.team.name}")
    return list(seen.values())


@dataclass
class MeetingIn:
    kind: str
    scheduled_at: datetime | None
    purpose: str
    children: list[Person] = field(default_factory=list)
    places: str = ""
    task: Task | None = None
    requirement: StrategyRequirement | None = None
    extra_invitees: list[User] = field(default_factory=list)


def validate_meeting(data: MeetingIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in Meeting.Kind.values:
        errors["kind"] = "Choose the kind of meeting"
    if data.scheduled_at is None:
        errors["scheduled_at"] = "Give the date and time of the meeting"
    elif data.scheduled_at.tzinfo is None:
        errors["scheduled_at"] = "The time must include a UTC offset"
    if not (data.purpose or "").strip():
        errors["purpose"] = "Say what the meeting is for"
    if data.kind in (Meeting.Kind.STRATEGY, Meeting.Kind.PLAN_REVIEW) and not data.children:
        errors["children"] = "Say which child the meeting is about"
    if data.kind == Meeting.Kind.MACE and not data.children and not (data.places or "").strip():
        errors["children"] = "Name the children or places the panel will review"
    if (data.task is not None or data.requirement is not None) and data.kind != Meeting.Kind.STRATEGY:
        errors["kind"] = (
            "A meeting for a front door strategy task or a child missing 48 hours is a strategy meeting"
        )
    return errors


def meeting_schedule(*, data: MeetingIn, partnership: Partnership, team: Team, by: By) -> Meeting:
    """Arrange a meeting and invite every professional involved with its children; a strategy meeting
    also invites the police officer on the rota for that day (3.2a)."""
    _require(by)
    if data.requirement is not None:
        _require_strategy(by)
    errors = validate_meeting(data)
    if errors:
        raise ValidationError(errors)
    assert data.scheduled_at is not None
    when = data.scheduled_at.astimezone(UTC)
    chair = by if isinstance(by, User) else None
    if chair is None:
        raise PermissionError("A meeting needs a person to chair it.")
    origin = Meeting.Origin.PLANNED
    if data.task is not None:
        origin = Meeting.Origin.FRONT_DOOR
    if data.requirement is not None:
        origin = Meeting.Origin.MISSING_48H
    police = None
    if data.kind == Meeting.Kind.STRATEGY:
        police = rota_officer(partnership.pk, when.astimezone(clocks.LONDON).date())
    now = timezone.now()
    invitation_title = (
        f"Invitation: {data.kind.replace('_', ' ')} meeting, {timezone.localtime(when):%d %B %H:%M}"
    )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            partnership=partnership,
            kind=data.kind,
            origin=origin,
            task=data.task,
            requirement=data.requirement,
            places=(data.places or "").strip(),
            purpose=data.purpose.strip(),
            scheduled_at=when,
            team=team,
            chair=chair,
            police_attendee=police,
        )
        meeting.children.set(data.children)
        invitees = [(chair, "Chair"), *professionals_for(data.children)]
        if police is not None:
            invitees.append((police, "Police (rota)"))
        invitees += [(u, "Invited") for u in data.extra_invitees]
        done: set[int] = set()
        for user, role in invitees:
            if user.pk in done:
                continue
            done.add(user.pk)
            Invitation.objects.create(
                meeting=meeting, user=user, agency=user.agency, role=role, invited_at=now
            )
        Notification.objects.bulk_create(
            Notification(
                user_id=uid,
                title=invitation_title,
                body=meeting.purpose[:300],
                link=f"/meetings/{meeting.pk}/",
            )
            for uid in done
            if uid != chair.pk
        )
        for child in data.children:
            people_services.chronology_add(
                person=child,
                kind=ChronologyEvent.Kind.MEETING,
                occurred_at=now,
                title=f"{meeting.get_kind_display()} arranged for {timezone.localtime(when):%d %B %Y %H:%M}",
                body=meeting.purpose[:2000],
                actor=_actor(by),
                agency=chair.agency,
            )
        _log(by, AccessLogEntry.Action.CREATE, meeting, detail_children=[c.pk for c in data.children])
    return meeting


@dataclass
class HeldIn:
    held_at: datetime | None
    attendance: dict[int, bool]  # invitation id → attended
    decision: str
    section_47: bool | None = None
    child_voice: str = ""


def meeting_hold(*, meeting: Meeting, data: HeldIn, by: User, version: int | None = None) -> Meeting:
    """Record that the meeting happened: who came, the decision and (for a strategy meeting) whether a
    section 47 enquiry follows and why. A meeting that has not happened yet cannot have attendance."""
    _require(by)
    if meeting.requirement_id is not None:
        _require_strategy(by)
    now = timezone.now()
    errors: dict[str, str] = {}
    if data.held_at is None:
        errors["held_at"] = "Give the date and time the meeting was held"
    elif data.held_at > now:
        errors["held_at"] = "The meeting has not happened yet: record attendance once it has been held"
    if not (data.decision or "").strip():
        errors["decision"] = "Record what the meeting decided, and why"
    if meeting.kind == Meeting.Kind.STRATEGY and data.section_47 is None:
        errors["section_47"] = "Say whether there will be a section 47 enquiry"
    if errors:
        raise ValidationError(errors)
    assert data.held_at is not None
    held = data.held_at.astimezone(UTC)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_version(meeting, version, {"held_at": held, "decision": data.decision})
        if meeting.status == Meeting.Status.HELD:
            raise ValidationError({"held_at": "This meeting has already been recorded as held"})
        invitations = {i.pk: i for i in meeting.invitations.all()}
        unknown = [pk for pk in data.attendance if pk not in invitations]
        if unknown:
            raise ValidationError(
                {"attendance": "Attendance can be recorded only for people who were invited"}
            )
        for pk, came in data.attendance.items():
            invitations[pk].attended = came
            invitations[pk].save(update_fields=["attended"])
        meeting.status = Meeting.Status.HELD
        meeting.held_at = held
        meeting.decision = data.decision.strip()
        meeting.section_47 = data.section_47 if meeting.kind == Meeting.Kind.STRATEGY else None
        meeting.child_voice = data.child_voice.strip()
        meeting.minutes_due_at = clocks.minutes_share_due(held, standards())
        save_next_version(meeting)
        if meeting.task_id:
            frontdoor_services.task_complete(
                task_id=meeting.task_id, at=held, by=by, reason=f"{meeting.get_kind_display()} held"
            )
        if meeting.requirement_id:
            _requirement_held(meeting, by)
        for child in meeting.children.all():
            title = f"{meeting.get_kind_display()} held"
            if meeting.section_47 is not None:
                title += ": section 47 enquiry" if meeting.section_47 else ": no section 47 enquiry"
            people_services.chronology_add(
                person=child,
                kind=ChronologyEvent.Kind.MEETING,
                occurred_at=held,
                title=title,
                body=meeting.decision[:2000],
                actor=_actor(by),
                agency=by.agency if isinstance(by, User) else None,
            )
        _log(by, AccessLogEntry.Action.UPDATE, meeting, held=held.isoformat())
    return meeting


def _requirement_held(meeting: Meeting, by: By) -> None:
    """A strategy meeting for a child missing 48 hours meets the missing module's requirement."""
    assert meeting.requirement_id is not None and meeting.held_at is not None
    present = {i.agency_id for i in meeting.invitations.all() if i.attended and i.agency_id}
    missing_services.strategy_requirement_meet(
        requirement_id=meeting.requirement_id,
        held_at=meeting.held_at,
        outcome=meeting.decision,
        agencies=list(Agency.objects.filter(pk__in=present)),
        police_attended=bool(
            meeting.police_attendee_id
            and meeting.invitations.filter(user_id=meeting.police_attendee_id, attended=True).exists()
        ),
        by=by,
    )


def minutes_write(*, meeting: Meeting, minutes: str, by: By, version: int | None = None) -> Meeting:
    _require(by)
    if not (minutes or "").strip():
        raise ValidationError({"minutes": "Write the minutes"})
    if len(minutes) > MAX_TEXT:
        raise ValidationError({"minutes": f"The minutes must be {MAX_TEXT:,} characters or fewer"})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_version(meeting, version, {"minutes": minutes})
        if meeting.status != Meeting.Status.HELD:
            raise ValidationError({"minutes": "Minutes are written after the meeting is held"})
        meeting.minutes = minutes.strip()
        meeting.minutes_written_at = timezone.now()
        save_next_version(meeting, ["minutes", "minutes_written_at"])
        _log(by, AccessLogEntry.Action.UPDATE, meeting, minutes=True)
    return meeting


def minutes_share(*, meeting: Meeting, recipients: list[User], by: By, at: datetime | None = None) -> Meeting:
    """Share the minutes: only with invitees, each share recorded. The minutes count as shared when every
    invitee has them; compliance compares that moment with 10 days from the meeting (3.2c)."""
    _require(by)
    at = at or timezone.now()
    if not recipients:
        raise ValidationError({"recipients": "Choose who to share the minutes with"})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.minutes:
            raise ValidationError({"recipients": "Write the minutes before sharing them"})
        invitations = {i.user_id: i for i in meeting.invitations.all()}
        outsiders = [u for u in recipients if u.pk not in invitations]
        if outsiders:
            names = ", ".join(u.get_full_name() or u.username for u in outsiders)
            raise ValidationError(
                {"recipients": f"Minutes are shared only with invitees; not invited: {names}"}
            )
        for user in recipients:
            invitation = invitations[user.pk]
            if invitation.minutes_shared_at is None:
                invitation.minutes_shared_at = at
                invitation.save(update_fields=["minutes_shared_at"])
        title = f"{meeting.get_kind_display().lower()}, {timezone.localtime(meeting.held_at or at):%d %B}"
        Notification.objects.bulk_create(
            Notification(
                user=u,
                title=f"Minutes shared: {title}",
                link=f"/meetings/{meeting.pk}/",
            )
            for u in recipients
        )
        if all(i.minutes_shared_at for i in invitations.values()):
            meeting.minutes_shared_at = max(
                i.minutes_shared_at for i in invitations.values() if i.minutes_shared_at
            )
            save_next_version(meeting, ["minutes_shared_at"])
        _log(by, AccessLogEntry.Action.UPDATE, meeting, shared_with=[u.pk for u in recipients])
    return meeting


def action_add(
    *,
    meeting: Meeting,
    description: str,
    owner: User | None,
    due_on: date | None,
    by: By,
    person: Person | None = None,
) -> MeetingAction:
    _require(by)
    errors: dict[str, str] = {}
    if not (description or "").strip():
        errors["description"] = "Describe the action"
    if owner is None:
        errors["owner"] = "Every action needs an owner: choose who will do it"
    if due_on is None:
        errors["due_on"] = "Give the date the action is due"
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_on is not None
    with transaction.atomic():
        action = MeetingAction.objects.create(
            meeting=meeting,
            person=person,
            description=description.strip(),
            owner=owner,
            agency=owner.agency,
            due_on=due_on,
        )
        Notification.objects.create(
            user=owner,
            title=f"Action from a {meeting.get_kind_display().lower()}",
            body=action.description[:300],
            link=f"/meetings/{meeting.pk}/",
        )
        _log(by, AccessLogEntry.Action.UPDATE, meeting, action=action.pk)
    return action


def action_complete(*, action: MeetingAction, by: By) -> MeetingAction:
    """Mark the action done. Completing it again changes nothing: it keeps the first completion time."""
    if isinstance(by, User) and by.pk != action.owner_id and not capabilities(by).meetings:
        raise PermissionError("Only the action's owner or the meeting's team can complete it.")
    with transaction.atomic():
        action = MeetingAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
        if action.completed_at is not None:
            return action
        action.completed_at = timezone.now()
        action.save(update_fields=["completed_at"])
        _log(by, AccessLogEntry.Action.UPDATE, action.meeting, action_completed=action.pk)
    return action


def rota_set(*, partnership: Partnership, day: date, officer: User, by: By) -> RotaSlot:
    if isinstance(by, User) and not (capabilities(by).meetings and by.has_role(Role.POLICE_OFFICER)):
        raise PermissionError("The police set their own rota.")
    if not officer.has_role(Role.POLICE_OFFICER):
        raise ValidationError({"officer": "Only a police officer can be on the police rota"})
    with transaction.atomic():
        slot, _ = RotaSlot.objects.update_or_create(
            partnership=partnership, day=day, defaults={"officer": officer}
        )
        audit.record(_actor(by), audit.Event(AccessLogEntry.Action.UPDATE, "rota", str(slot.pk)))
    return slot
