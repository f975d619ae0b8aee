"""Return home interviews: offered, accepted, declined, completed within 72 hours, followed up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.models import User
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.core.versioning import require_version, save_next_version
from mace.people import services as people_services
from mace.people.models import ChronologyEvent

from ..models import (
    ReturnInterview,
)
from ._common import PULL_FACTORS, PUSH_FACTORS, _actor, _label, _require
from .episodes import _aware


@dataclass
class InterviewIn:
    action: str  # offer, accept, decline, complete, follow_up
    at: datetime | None = None
    push_factors: list[str] = field(default_factory=list)
    pull_factors: list[str] = field(default_factory=list)
    where_stayed: str = ""
    who_with: str = ""
    child_words: str = ""
    follow_up: str = ""


INTERVIEW_ACTIONS = ("offer", "accept", "decline", "complete", "follow_up")


def validate_interview(
    interview: ReturnInterview, data: InterviewIn, *, now: datetime | None = None
) -> dict[str, str]:
    now = now or timezone.now()
    errors: dict[str, str] = {}
    R = ReturnInterview.Response
    if data.action not in INTERVIEW_ACTIONS:
        return {"action": "Choose what happened"}
    if data.action != "follow_up":
        _aware(errors, "at", data.at, "this happened", now)
        returned = interview.episode.returned_at
        if data.at and "at" not in errors and returned and data.at < returned:
            errors["at"] = "This cannot be before the child returned"
    if data.action == "offer" and interview.offered_at is not None:
        errors["action"] = "The interview has already been offered"
    if data.action in ("accept", "decline") and interview.offered_at is None:
        errors["action"] = "Record the offer before the child's reply"
    if data.action in ("accept", "decline") and interview.response in (R.ACCEPTED, R.DECLINED):
        errors["action"] = f"The child has already {interview.get_response_display().lower()} the interview"
    if data.action == "complete":
        if interview.response != R.ACCEPTED:
            errors["action"] = "An interview can be completed only once the child has accepted it"
        if interview.completed_at is not None:
            errors["action"] = "The interview has already been completed"
        unknown = [f for f in data.push_factors if f not in PUSH_FACTORS] + [
            f for f in data.pull_factors if f not in PULL_FACTORS
        ]
        if unknown:
            errors["push_factors"] = "Unknown reasons: " + ", ".join(unknown)
        if not (data.child_words or "").strip():
            errors["child_words"] = "Record what the child said, in their words"
        if not data.push_factors and not data.pull_factors:
            errors["push_factors"] = "Record at least one reason the child gave for going missing"
    if data.action == "follow_up":
        if interview.response != R.DECLINED:
            errors["action"] = "A follow-up is recorded when the child declines the interview"
        if not (data.follow_up or "").strip():
            errors["follow_up"] = "Say what will happen instead, and who will do it"
    return errors


def interview_record(
    *, interview: ReturnInterview, data: InterviewIn, by: User, version: int | None = None
) -> ReturnInterview:
    """One step of the interview: offered, accepted or declined, completed, or followed up after a decline."""
    _require(by, "return_interviews", "Only the return home interview service records interviews.")
    R = ReturnInterview.Response
    with transaction.atomic():
        interview = ReturnInterview.objects.select_for_update().select_related("episode").get(pk=interview.pk)
        require_version(interview, version, {"action": data.action})
        errors = validate_interview(interview, data)
        if errors:
            raise ValidationError(errors)
        label = _label(by)
        at = data.at.astimezone(UTC) if data.at else timezone.now()
        title = ""
        if data.action == "offer":
            interview.offered_at, interview.offered_by_label, interview.response = at, label, R.OFFERED
            title = "Return home interview offered"
        elif data.action == "accept":
            interview.response, interview.responded_at = R.ACCEPTED, at
            title = "Return home interview accepted"
        elif data.action == "decline":
            interview.response, interview.responded_at = R.DECLINED, at
            title = "Return home interview declined"
        elif data.action == "complete":
            interview.completed_at, interview.completed_by_label = at, label
            interview.push_factors = sorted(set(data.push_factors))
            interview.pull_factors = sorted(set(data.pull_factors))
            interview.where_stayed = data.where_stayed.strip()[:200]
            interview.who_with = data.who_with.strip()[:200]
            interview.child_words = data.child_words.strip()
            title = "Return home interview completed"
        else:
            interview.follow_up, interview.follow_up_at = data.follow_up.strip(), timezone.now()
            title = "Follow-up after a declined return home interview"
        save_next_version(interview)
        episode = interview.episode
        if episode.person is not None:
            body = interview.child_words if data.action == "complete" else interview.follow_up
            people_services.chronology_add(
                person=episode.person,
                kind=ChronologyEvent.Kind.MISSING,
                occurred_at=at,
                title=title,
                body=body[:2000],
                actor=_actor(by),
                agency=by.agency if isinstance(by, User) else None,
            )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "return_interview",
                str(interview.pk),
                episode.person_id,
                detail={"action": data.action},
            ),
        )
    return interview
