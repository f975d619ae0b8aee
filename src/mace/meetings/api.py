"""Meetings for partner systems: one meeting with its invitations, decision, actions and minutes status,
and the minutes compliance figures (3.2c). Forbidden and missing alike are 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from mace.core.access import capabilities
from mace.frontdoor.api import ErrorOut
from mace.frontdoor.selectors import Rate
from mace.people.selectors import PersonNotFound

from . import selectors

router = Router(tags=["meetings"])


class InvitationOut(Schema):
    name: str
    agency: str
    role: str
    attended: bool | None
    minutes_shared_at: datetime | None


class ActionOut(Schema):
    description: str
    owner: str
    due_on: date
    completed_at: datetime | None


class MeetingOut(Schema):
    id: int
    kind: str
    status: str
    origin: str
    scheduled_at: datetime
    held_at: datetime | None
    child_ids: list[int]
    section_47: bool | None
    decision: str
    minutes_due_at: datetime | None
    minutes_shared_at: datetime | None
    invitations: list[InvitationOut]
    actions: list[ActionOut]


class RateOut(Schema):
    label: str
    met: int
    total: int
    text: str


class ComplianceOut(Schema):
    since: date
    until: date
    overall: RateOut
    by_team: list[RateOut]
    by_month: list[RateOut]


def _rate(label: str, r: Rate) -> dict[str, object]:
    return {"label": label, "met": r.met, "total": r.total, "text": r.text}


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


@router.get("/{meeting_id}", response={200: MeetingOut, 404: ErrorOut}, summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int) -> Status[dict[str, object]]:
    try:
        d = selectors.meeting_detail(request.user, meeting_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    m = d.meeting
    return Status(
        200,
        {
            "id": m.pk,
            "kind": m.kind,
            "status": m.status,
            "origin": m.origin,
            "scheduled_at": m.scheduled_at,
            "held_at": m.held_at,
            "child_ids": [c.pk for c in d.children],
            "section_47": m.section_47,
            "decision": m.decision,
            "minutes_due_at": m.minutes_due_at,
            "minutes_shared_at": m.minutes_shared_at,
            "invitations": [
                {
                    "name": i.user.get_full_name(),
                    "agency": i.agency.name if i.agency else "",
                    "role": i.role,
                    "attended": i.attended,
                    "minutes_shared_at": i.minutes_shared_at,
                }
                for i in d.invitations
            ],
            "actions": [
                {
                    "description": a.description,
                    "owner": a.owner.get_full_name(),
                    "due_on": a.due_on,
                    "completed_at": a.completed_at,
                }
                for a in d.actions
            ],
        },
    )
