"""Meetings for partner systems: everything a user does on the meeting pages, through the same selectors
and services. Arrange a meeting, record it as held (attendance, decision, section 47), write and share
the minutes, add and complete actions; read one meeting and the minutes compliance figures (3.2c).

Forbidden and missing meetings alike are 404; an account without the `meetings` capability is 403, as is
one that may see the meeting but is neither its chair nor in its team (the pages' `can_edit`). Bad input
is 422 naming the field sent; a stale `version` is 409 with the version saved now and what was attempted.
`mace.api` turns the selectors' and services' exceptions into those answers (decision 0010); endpoints
here only rename a service's field to the one the request used."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, with_offset
from mace.frontdoor.api import ErrorOut
from mace.frontdoor.selectors import Rate
from mace.people.models import Person
from mace.people.selectors import PersonNotFound, person_for_user

from . import selectors, services
from .models import Meeting, MeetingAction

router = Router(tags=["meetings"])

# Service error keys that differ from the name of the field a partner system sends.
FIELDS = {"children": "child_ids", "owner": "owner_id", "task": "task_id", "requirement": "requirement_id"}


# Input ---------------------------------------------------------------------------------------------


class MeetingIn(Schema):
    kind: str = Field(
        ...,
        pattern=f"^({'|'.join(Meeting.Kind.values)})$",
        description="strategy, mace (a MACE panel) or plan_review",
    )
    scheduled_at: datetime = Field(..., description="ISO 8601 with a UTC offset")
    purpose: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=5000)
    child_ids: list[int] = Field(
        default_factory=list, max_length=100, description="Children you may see; a MACE panel may name none"
    )
    places: str = Field("", max_length=5000, description="Places and groups a MACE panel will review")
    requirement_id: int | None = Field(
        None,
        description="An open 48-hour strategy requirement (a child missing 48 hours): a strategy meeting",
    )
    task_id: int | None = Field(None, description="A front door strategy task: a strategy meeting")

    @field_validator("scheduled_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime:
        return with_offset(value)  # type: ignore[return-value]


class HeldIn(Schema):
    version: int = Field(..., ge=1, description="The meeting's version when you read it")
    held_at: datetime = Field(..., description="ISO 8601 with a UTC offset; not in the future")
    attendance: dict[int, bool] = Field(
        default_factory=dict, description="Invitation id to whether that invitee attended"
    )
    decision: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=50_000)
    section_47: bool | None = Field(
        None, description="Strategy meetings: whether a section 47 enquiry follows"
    )
    child_voice: str = Field("", max_length=20_000, description="The child's words, brought to the meeting")

    @field_validator("held_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime:
        return with_offset(value)  # type: ignore[return-value]


class MinutesIn(Schema):
    version: int = Field(..., ge=1, description="The meeting's version when you read it")
    minutes: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=services.MAX_TEXT)


class ShareIn(Schema):
    invitation_ids: list[int] = Field(default_factory=list, max_length=500)
    user_ids: list[int] = Field(default_factory=list, max_length=500)


class MeetingActionIn(Schema):
    description: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=5000)
    owner_id: int | None = Field(None, description="The user id of an invitee, who will do it")
    due_on: date
    person_id: int | None = Field(
        None, description="One of the meeting's children; defaults to the child when there is only one"
    )


# Output --------------------------------------------------------------------------------------------


class InvitationOut(Schema):
    id: int
    user_id: int
    name: str
    agency: str
    role: str
    attended: bool | None
    minutes_shared_at: datetime | None


class MeetingActionOut(Schema):
    id: int
    description: str
    owner_id: int
    owner: str
    person_id: int | None
    due_on: date
    completed_at: datetime | None


class MeetingOut(Schema):
    id: int
    version: int
    kind: str
    status: str
    origin: str
    scheduled_at: datetime
    held_at: datetime | None
    purpose: str
    places: str
    child_ids: list[int]
    section_47: bool | None
    decision: str
    child_voice: str
    minutes: str
    minutes_due_at: datetime | None
    minutes_shared_at: datetime | None
    invitations: list[InvitationOut]
    actions: list[MeetingActionOut]


class MeetingConflictOut(Schema):
    detail: str
    current_version: int
    attempted: dict[str, Any]


class MinutesRateOut(Schema):
    label: str
    met: int
    total: int
    text: str


class ComplianceOut(Schema):
    since: date
    until: date
    overall: MinutesRateOut
    by_team: list[MinutesRateOut]
    by_month: list[MinutesRateOut]


def _action(a: MeetingAction) -> dict[str, object]:
    return {
        "id": a.pk,
        "description": a.description,
        "owner_id": a.owner_id,
        "owner": a.owner.get_full_name(),
        "person_id": a.person_id,
        "due_on": a.due_on,
        "completed_at": a.completed_at,
    }


def _meeting(d: selectors.MeetingDetail) -> dict[str, object]:
    m = d.meeting
    return {
        "id": m.pk,
        "version": m.version,
        "kind": m.kind,
        "status": m.status,
        "origin": m.origin,
        "scheduled_at": m.scheduled_at,
        "held_at": m.held_at,
        "purpose": m.purpose,
        "places": m.places,
        "child_ids": [c.pk for c in d.children],
        "section_47": m.section_47,
        "decision": m.decision,
        "child_voice": m.child_voice,
        "minutes": m.minutes,
        "minutes_due_at": m.minutes_due_at,
        "minutes_shared_at": m.minutes_shared_at,
        "invitations": [
            {
                "id": i.pk,
                "user_id": i.user_id,
                "name": i.user.get_full_name(),
                "agency": i.agency.name if i.agency else "",
                "role": i.role,
                "attended": i.attended,
                "minutes_shared_at": i.minutes_shared_at,
            }
            for i in d.invitations
        ],
        "actions": [_action(a) for a in d.actions],
    }


# Errors --------------------------------------------------------------------------------------------


def _problem(field: str, msg: str) -> dict[str, object]:
    return {"loc": ["body", field] if field else ["body"], "field": field, "msg": msg}


def _as_sent(exc: ValidationError, rename: dict[str, str] | None = None) -> ValidationError:
    """The service's refusal with each field named as the request named it."""
    names = {**FIELDS, **(rename or {})}
    return ValidationError({names.get(name, name): msgs for name, msgs in exc.message_dict.items()})


def _editable(request: HttpRequest, meeting_id: int) -> selectors.MeetingDetail:
    """The meeting for a change, through the pages' selector and their rule (chair or the meeting's team).
    Forbidden and missing alike raise PersonNotFound (404)."""
    if not capabilities(request.user).meetings:
        raise PermissionError("This account cannot arrange or record meetings")
    d = selectors.meeting_detail(request.user, meeting_id)
    if not d.can_edit:
        raise PermissionError("Only the meeting's chair or its team can change it")
    return d


def _current(request: HttpRequest, meeting_id: int, status: int = 200) -> Status[dict[str, object]]:
    return Status(status, _meeting(selectors.meeting_detail(request.user, meeting_id)))


WRITE = {403: ErrorOut, 404: ErrorOut, 409: MeetingConflictOut, 422: ErrorOut}


# Endpoints -----------------------------------------------------------------------------------------


@router.post("", response={201: MeetingOut, 403: ErrorOut, 422: ErrorOut}, summary="Arrange a meeting")
def schedule_meeting(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, object]]:
    """Invites the chair (the caller), every professional involved with the children and, for a strategy
    meeting, the police officer on the rota that day."""
    user = signed_in(request)
    if not capabilities(user).meetings:
        return Status(403, {"detail": "This account cannot arrange or record meetings"})
    partnership = partnership_of(user)
    team = selectors.team_for_meetings(user)
    if partnership is None or team is None:
        return Status(422, {"detail": [_problem("", "The account is not in a team of a partnership")]})
    problems: dict[str, str] = {}
    ids = list(payload.child_ids)
    task = None
    if payload.task_id is not None:
        task = selectors.task_for_user(user, payload.task_id)
        if task is None:
            problems["task_id"] = "No front door strategy task you may see has this identifier"
        else:
            ids.append(task.person_id)
    requirement = None
    if payload.requirement_id is not None:
        requirement = selectors.requirement_for_user(user, payload.requirement_id)
        if requirement is None:
            problems["requirement_id"] = (
                "No open 48-hour strategy requirement you may see has this identifier"
            )
        elif requirement.episode.person_id:
            ids.append(requirement.episode.person_id)
    children: list[Person] = []
    unseen: list[int] = []
    for child_id in dict.fromkeys(ids):
        try:  # the single-record rule, with each read or denial logged
            children.append(person_for_user(user, child_id, purpose="meeting")[0])
        except PersonNotFound:
            unseen.append(child_id)
    if unseen:
        problems["child_ids"] = f"No child you may see has the identifier {', '.join(map(str, unseen))}"
    data = services.MeetingIn(
        kind=payload.kind,
        scheduled_at=payload.scheduled_at,
        purpose=payload.purpose,
        children=children,
        places=payload.places,
        task=task,
        requirement=requirement,
    )
    if problems:  # every problem at once: the service's own checks too, unless already named
        for name, msg in services.validate_meeting(data).items():
            problems.setdefault(FIELDS.get(name, name), msg)
        raise ValidationError(problems)
    try:
        meeting = services.meeting_schedule(data=data, partnership=partnership, team=team, by=user)
    except ValidationError as exc:
        raise _as_sent(exc) from exc
    return _current(request, meeting.pk, 201)


@router.get(
    "/minutes-compliance", response={200: ComplianceOut, 403: ErrorOut}, summary="Minutes within 10 days"
)
def minutes_compliance(request: HttpRequest, months: int = 12) -> Status[dict[str, object]]:
    caps = capabilities(request.user)
    if not (caps.aggregates or caps.meetings):
        return Status(403, {"detail": "This account cannot see meeting figures"})
    until = timezone.localdate()
    since = until - timedelta(days=31 * max(1, min(months, 36)))
    c = selectors.minutes_compliance(request.user, since=since, until=until)
    return Status(
        200,
        {
            "since": since,
            "until": until,
            "overall": _rate("All teams", c.overall),
            "by_team": [_rate(team, r) for team, r in c.by_team],
            "by_month": [_rate(month, r) for month, r in c.by_month],
        },
    )


def _rate(label: str, r: Rate) -> dict[str, object]:
    return {"label": label, "met": r.met, "total": r.total, "text": r.text}


@router.post(
    "/actions/{action_id}/complete",
    response={200: MeetingActionOut, 403: ErrorOut, 404: ErrorOut},
    summary="Complete an action",
)
def complete_action(request: HttpRequest, action_id: int) -> Status[dict[str, object]]:
    """The action's owner, or anyone with the meetings capability who may see the meeting. Completing it
    again changes nothing."""
    action = selectors.action_for_user(request.user, action_id)
    if action is None:
        raise PersonNotFound()
    return Status(200, _action(services.action_complete(action=action, by=signed_in(request))))


@router.get("/{meeting_id}", response={200: MeetingOut, 404: ErrorOut}, summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int) -> Status[dict[str, object]]:
    return _current(request, meeting_id)


@router.post("/{meeting_id}/held", response={200: MeetingOut, **WRITE}, summary="Record the meeting as held")
def hold_meeting(request: HttpRequest, meeting_id: int, payload: HeldIn) -> Status[dict[str, object]]:
    """Attendance (by invitation id), the decision and, for a strategy meeting, whether a section 47
    enquiry follows. A meeting that has not happened yet cannot have attendance."""
    d = _editable(request, meeting_id)
    data = services.HeldIn(
        held_at=payload.held_at,
        attendance=payload.attendance,
        decision=payload.decision,
        section_47=payload.section_47,
        child_voice=payload.child_voice,
    )
    services.meeting_hold(meeting=d.meeting, data=data, by=signed_in(request), version=payload.version)
    return _current(request, meeting_id)


@router.put("/{meeting_id}/minutes", response={200: MeetingOut, **WRITE}, summary="Write the minutes")
def write_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> Status[dict[str, object]]:
    d = _editable(request, meeting_id)
    services.minutes_write(
        meeting=d.meeting, minutes=payload.minutes, by=signed_in(request), version=payload.version
    )
    return _current(request, meeting_id)


@router.post("/{meeting_id}/minutes/share", response={200: MeetingOut, **WRITE}, summary="Share the minutes")
def share_minutes(request: HttpRequest, meeting_id: int, payload: ShareIn) -> Status[dict[str, object]]:
    """With invitees only, named by invitation id or user id; each share is recorded per invitation."""
    d = _editable(request, meeting_id)
    by_invitation = {i.pk: i.user for i in d.invitations}
    by_user = {i.user_id: i.user for i in d.invitations}
    problems = {}
    for field, ids, invited in (
        ("invitation_ids", payload.invitation_ids, by_invitation),
        ("user_ids", payload.user_ids, by_user),
    ):
        outsiders = [str(n) for n in dict.fromkeys(ids) if n not in invited]
        if outsiders:
            problems[field] = (
                "Minutes are shared only with people invited to the meeting; not invited: "
                + ", ".join(outsiders)
            )
    if problems:
        raise ValidationError(problems)
    chosen = [by_invitation[n] for n in payload.invitation_ids] + [by_user[n] for n in payload.user_ids]
    recipients = list({u.pk: u for u in chosen}.values())
    try:
        services.minutes_share(meeting=d.meeting, recipients=recipients, by=signed_in(request))
    except ValidationError as exc:
        field = "user_ids" if payload.user_ids and not payload.invitation_ids else "invitation_ids"
        raise _as_sent(exc, {"recipients": field}) from exc
    return _current(request, meeting_id)


@router.post(
    "/{meeting_id}/actions",
    response={201: MeetingActionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add an action",
)
def add_action(request: HttpRequest, meeting_id: int, payload: MeetingActionIn) -> Status[dict[str, object]]:
    """Every action has an owner, who must be someone invited to the meeting, and a due date."""
    d = _editable(request, meeting_id)
    problems = {}
    owner = None
    if payload.owner_id is not None:
        owner = selectors.owner_for(d.meeting, payload.owner_id)
        if owner is None:
            problems["owner_id"] = "The owner must be someone invited to the meeting"
    person = d.children[0] if len(d.children) == 1 else None
    if payload.person_id is not None:
        person = next((c for c in d.children if c.pk == payload.person_id), None)
        if person is None:
            problems["person_id"] = "Choose one of the children the meeting is about"
    if problems:
        raise ValidationError(problems)
    try:
        action = services.action_add(
            meeting=d.meeting,
            description=payload.description,
            owner=owner,
            due_on=payload.due_on,
            by=signed_in(request),
            person=person,
        )
    except ValidationError as exc:
        raise _as_sent(exc) from exc
    return Status(201, _action(action))
