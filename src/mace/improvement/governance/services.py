"""Governance writes: naming an agency's lead professional, recording a meeting, its attendance and its
decisions; a decision's action goes into the action plan through improvement's `action_add`, in the same
transaction. The business manager (who minutes the meetings), managers and administrators write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.core.services import actor, label, require

from .. import services as plans
from ..models import PriorityArea
from .models import GovernanceAttendance, GovernanceDecision, GovernanceMeeting, LeadProfessional

A = AccessLogEntry.Action
REFUSED = "Only the business manager, a manager or an administrator records governance."


def lead_professional_set(
    *,
    partnership: Partnership,
    agency: Agency,
    name: str,
    job_title: str = "",
    contact: str = "",
    since: date | None,
    by: By,
) -> LeadProfessional:
    """Name the agency's lead professional for exploitation in the partnership from a date; the one
    before is kept, ended that day."""
    require(by, "manage_improvement", REFUSED)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter the lead professional's name"]
    if since is None:
        errors["since"] = ["Enter the date they are the lead professional from"]
    elif since > timezone.localdate():
        errors["since"] = ["The date cannot be in the future"]
    if not agency.partnerships.filter(pk=partnership.pk).exists():
        errors["agency"] = ["The agency does not serve this partnership"]
    current = LeadProfessional.objects.filter(
        partnership=partnership, agency=agency, until__isnull=True
    ).first()
    if current and since and since < current.since:
        errors["since"] = [f"{current.name} has been the lead professional since {current.since:%-d %B %Y}"]
    if errors:
        raise ValidationError(errors)
    assert since is not None
    with transaction.atomic():
        if current:
            current.until = since
            current.save(update_fields=["until"])
        found = LeadProfessional.objects.create(
            partnership=partnership,
            agency=agency,
            name=name.strip(),
            job_title=job_title.strip(),
            contact=contact.strip(),
            since=since,
            recorded_by_label=label(by),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "lead_professional",
                str(found.pk),
                detail={
                    "agency": agency.code,
                    "since": since.isoformat(),
                    "replaces": current.pk if current else None,
                },
            ),
        )
    return found


def meeting_record(
    *, partnership: Partnership, kind: str, held_on: date | None, chair: str, notes: str = "", by: By
) -> GovernanceMeeting:
    require(by, "manage_improvement", REFUSED)
    errors: dict[str, list[str]] = {}
    if kind not in GovernanceMeeting.Kind.values:
        errors["kind"] = ["Choose the quarterly multi-agency meeting or the biannual pan-area meeting"]
    if held_on is None:
        errors["held_on"] = ["Enter the date the meeting was held"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["Record a meeting once it has been held: the date is in the future"]
    if not chair.strip():
        errors["chair"] = ["Name the chair"]
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    with transaction.atomic():
        found = GovernanceMeeting.objects.create(
            partnership=partnership,
            kind=kind,
            held_on=held_on,
            chair=chair.strip(),
            notes=notes.strip(),
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "governance_meeting",
                str(found.pk),
                detail={"kind": kind, "on": held_on.isoformat()},
            ),
        )
    return found


def attendance_add(
    *, meeting: GovernanceMeeting, name: str, agency: Agency | None, status: str, by: By
) -> GovernanceAttendance:
    require(by, "manage_improvement", REFUSED)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["attendee"] = ["Enter the attendee's name"]
    if status not in GovernanceAttendance.Status.values:
        errors["status"] = ["Choose present, apologies or absent"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = GovernanceAttendance.objects.create(
            meeting=meeting, name=name.strip(), agency=agency, status=status
        )
        audit.record(
            actor(by),
            audit.Event(
                A.UPDATE,
                "governance_meeting",
                str(meeting.pk),
                detail={"attendance": found.pk, "status": status},
            ),
        )
    return found


def decision_add(
    *,
    meeting: GovernanceMeeting,
    text: str,
    area: PriorityArea | None = None,
    action_text: str = "",
    owner: str = "",
    due: date | None = None,
    by: By,
    owner_user: Any = None,
) -> GovernanceDecision:
    """A decision of the meeting; with an area, its action goes into that area of the action plan, with
    the area's next reference, opened on the meeting's date. Refused (nothing written) if the action has
    no owner or due date."""
    require(by, "manage_improvement", REFUSED)
    if not text.strip():
        raise ValidationError({"text": ["Say what the meeting decided"]})
    if area is not None and area.plan.partnership_id != meeting.partnership_id:
        raise ValidationError({"area": ["The area is in another partnership's plan"]})
    with transaction.atomic():
        action = None
        if area is not None:
            action = plans.action_add(
                area=area,
                text=action_text or text,
                owner=owner,
                owner_user=owner_user,
                due=due,
                opened_on=meeting.held_on,
                source=f"{meeting.get_kind_display()}, {meeting.held_on:%-d %B %Y}",
                by=by,
            )
        found = GovernanceDecision.objects.create(
            meeting=meeting,
            text=text.strip(),
            action=action,
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "governance_decision",
                str(found.pk),
                detail={"meeting": meeting.pk, "action": action.ref if action else None},
            ),
        )
    return found
