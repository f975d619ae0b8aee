"""The 48-hour rule: a strategy meeting is required for a child missing 48 hours, and recorded when held."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Role, User
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement

from ..models import (
    MissingEpisode,
    StrategyRequirement,
)
from ._common import _actor, _label, _require
from .episodes import _aware, _notify


def _police_users(partnership_id: int) -> list[int]:
    return list(
        User.objects.filter(
            is_active=True,
            agency__kind=Agency.Kind.POLICE,
            agency__partnerships__pk=partnership_id,
            role_assignments__role=Role.POLICE_OFFICER,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def _allocated_team_users(person_id: int | None) -> list[int]:
    if person_id is None:
        return []
    teams = Involvement.objects.filter(
        person_id=person_id, ended_at__isnull=True, kind=Involvement.Kind.ALLOCATED
    ).values("team_id")
    return list(User.objects.filter(is_active=True, team_id__in=teams).values_list("pk", flat=True))


def _require_strategy(episode: MissingEpisode, at: datetime) -> StrategyRequirement:
    requirement = StrategyRequirement.objects.create(
        episode=episode, partnership_id=episode.partnership_id, required_at=at
    )
    team = set(_allocated_team_users(episode.person_id))
    users = team | set(_police_users(episode.partnership_id))
    if not team:
        users |= set(
            User.objects.filter(
                is_active=True, team__partnership_id=episode.partnership_id, team__front_door=True
            ).values_list("pk", flat=True)
        )
    _notify(
        sorted(users),
        f"Strategy meeting required: {episode.child_name} missing 48 hours",
        f"Police reference {episode.police_ref}. Hold a strategy meeting now (3.1c).",
        f"/missing/episodes/{episode.pk}/",
    )
    audit.record(
        audit.Actor.system("missing-48-hour-rule"),
        audit.Event(
            AccessLogEntry.Action.CREATE, "strategy_requirement", str(requirement.pk), episode.person_id
        ),
    )
    return requirement


def require_strategy_meetings(now: datetime | None = None) -> int:
    """Every child missing for 48 hours needs a strategy meeting. Scans every open episode, so children
    already missing when the rule was switched on are caught too."""
    now = now or timezone.now()
    due = list(
        MissingEpisode.objects.filter(status=MissingEpisode.Status.MISSING, strategy_due_at__lte=now)
        .filter(strategy__isnull=True)
        .select_related("person")
    )
    with transaction.atomic():
        for episode in due:
            _require_strategy(episode, now)
    return len(due)


def strategy_held(
    *,
    requirement: StrategyRequirement,
    held_at: datetime | None,
    outcome: str,
    agencies: list[Agency],
    police_attended: bool,
    by: User,
) -> StrategyRequirement:
    _require(by, "record_strategy", "This account cannot record strategy meetings.")
    errors: dict[str, str] = {}
    now = timezone.now()
    _aware(errors, "held_at", held_at, "the meeting was held", now)
    if held_at and "held_at" not in errors and held_at < requirement.episode.last_seen_at:
        errors["held_at"] = "The meeting cannot be before the child went missing"
    if not (outcome or "").strip():
        errors["outcome"] = "Record what the meeting decided"
    if requirement.held_at is not None:
        errors["held_at"] = "This strategy meeting has already been recorded as held"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.snapshot(requirement)
        requirement.held_at = held_at
        requirement.outcome = outcome.strip()
        requirement.police_attended = police_attended
        requirement.recorded_by_label = _label(by)
        requirement.save()
        requirement.agencies_present.set(agencies)
        episode = requirement.episode
        if episode.person is not None:
            people_services.chronology_add(
                person=episode.person,
                kind=ChronologyEvent.Kind.MEETING,
                occurred_at=held_at or now,
                title="Strategy meeting held: missing for more than 48 hours",
                body=outcome.strip()[:2000],
                actor=_actor(by),
                agency=by.agency if isinstance(by, User) else None,
            )
        audit.record_change(
            _actor(by), AccessLogEntry.Action.UPDATE, requirement, before=before, person_id=episode.person_id
        )
    return requirement


def strategy_requirement_meet(
    *,
    requirement_id: int,
    held_at: datetime,
    outcome: str,
    agencies: list[Agency],
    police_attended: bool,
    by: By,
) -> StrategyRequirement | None:
    """A strategy meeting arranged for the requirement (in the meetings module) was held: the requirement
    is met as `strategy_held` would meet it, and logged. The meeting records the child's chronology itself.
    A requirement already met is left alone (None)."""
    _require(by, "record_strategy", "This account cannot record strategy meetings.")
    with transaction.atomic():
        requirement = (
            StrategyRequirement.objects.select_for_update().select_related("episode").get(pk=requirement_id)
        )
        if requirement.held_at is not None:
            return None
        if held_at < requirement.episode.last_seen_at:
            raise ValidationError({"held_at": "The meeting cannot be before the child went missing"})
        before = audit.snapshot(requirement)
        requirement.held_at = held_at
        requirement.outcome = outcome.strip()
        requirement.police_attended = police_attended
        requirement.recorded_by_label = _label(by)
        requirement.save()
        requirement.agencies_present.set(agencies)
        audit.record_change(
            _actor(by),
            AccessLogEntry.Action.UPDATE,
            requirement,
            before=before,
            person_id=requirement.episode.person_id,
            detail={"met_by": "meeting"},
        )
    return requirement
