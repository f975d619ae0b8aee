"""The child's return: the return record, the notices it sends, and the return home interview it offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Role, Team, User
from mace.core import audit, clocks
from mace.core.models import AccessLogEntry
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor.services import (
    standards,
)
from mace.people import services as people_services
from mace.people.models import ChronologyEvent

from ..models import (
    MissingEpisode,
    MissingNotice,
    ReturnInterview,
    StrategyRequirement,
)
from ._common import MAX_TEXT, _actor, _require, place_key
from .episodes import _aware, _involve, _notify, _overlap_error, _overlapping, _send_notice
from .strategy import _require_strategy


@dataclass
class ReturnIn:
    returned_at: datetime | None
    found_place: str
    found_by: str
    found_with: str = ""
    child_account: str = ""
    harm_disclosed: bool = False
    harm_details: str = ""
    found_outside_area: bool | None = None  # None: not known


def validate_return(
    episode: MissingEpisode, data: ReturnIn, *, now: datetime | None = None
) -> dict[str, str]:
    now = now or timezone.now()
    errors: dict[str, str] = {}
    _aware(errors, "returned_at", data.returned_at, "the child was found or returned", now)
    if "returned_at" not in errors and data.returned_at and data.returned_at < episode.reported_at:
        reported = timezone.localtime(episode.reported_at).strftime("%d %B %Y %H:%M")
        errors["returned_at"] = f"The return cannot be before the child was reported missing ({reported})"
    if not (data.found_place or "").strip():
        errors["found_place"] = "Say where the child was found or returned to"
    if data.found_by not in MissingEpisode.FoundBy.values:
        errors["found_by"] = "Say who found or returned the child"
    if data.harm_disclosed and not (data.harm_details or "").strip():
        errors["harm_details"] = "Describe the harm the child disclosed"
    if len(data.child_account or "") > MAX_TEXT:
        errors["child_account"] = f"The child's account must be {MAX_TEXT:,} characters or fewer"
    return errors


def rhi_team(partnership_id: int) -> Team | None:
    """The commissioned return home interview service for the partnership."""
    return (
        Team.objects.filter(
            partnership_id=partnership_id,
            agency__kind=Agency.Kind.COMMISSIONED,
            members__role_assignments__role=Role.RHI_WORKER,
        )
        .order_by("pk")
        .first()
    )


def episode_return(
    *, episode: MissingEpisode, data: ReturnIn, by: By, version: int | None = None
) -> tuple[MissingEpisode, bool]:
    """The child is found or has returned. Returns (episode, changed): the same return sent again changes
    nothing. Notifies children's social care at once and opens the return home interview."""
    _require(by, "report_missing", "This account cannot record returns.")
    errors = validate_return(episode, data)
    if errors:
        raise ValidationError(errors)
    assert data.returned_at is not None
    returned = data.returned_at.astimezone(UTC)
    actor = _actor(by)
    with transaction.atomic():
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        if not episode.is_missing:
            if episode.returned_at == returned:
                return episode, False
            when = timezone.localtime(episode.returned_at).strftime("%d %B %Y %H:%M")
            raise ValidationError({"returned_at": f"This child's return was already recorded, at {when}"})
        require_version(episode, version, {"returned_at": returned})
        if episode.person is not None:
            clash = _overlapping(episode.person, episode.last_seen_at, returned, episode.pk)
            if clash is not None:
                raise ValidationError({"returned_at": _overlap_error(clash)})
        now = timezone.now()
        episode.status = MissingEpisode.Status.RETURNED
        episode.returned_at = returned
        episode.found_place = data.found_place.strip()[:200]
        episode.found_place_key = place_key(data.found_place)
        episode.found_by = data.found_by
        episode.found_with = data.found_with.strip()[:200]
        episode.found_outside_area = data.found_outside_area
        episode.child_account = data.child_account.strip()
        episode.harm_disclosed = data.harm_disclosed
        episode.harm_details = data.harm_details.strip()
        episode.return_recorded_by = by if isinstance(by, User) else None
        episode.return_recorded_at = now
        save_next_version(episode)
        team = rhi_team(episode.partnership_id)
        interview = ReturnInterview.objects.create(
            episode=episode,
            partnership_id=episode.partnership_id,
            team=team,
            created_at=now,
            offer_due_at=clocks.rhi_offer_due(returned, standards()),
        )
        if (
            returned > episode.strategy_due_at
            and not StrategyRequirement.objects.filter(episode=episode).exists()
        ):
            _require_strategy(episode, episode.strategy_due_at)
        if episode.person is not None:
            _involve(episode.person, team, "Return home interview", actor)
            people_services.chronology_add(
                person=episode.person,
                kind=ChronologyEvent.Kind.MISSING,
                occurred_at=returned,
                title=f"Found or returned after {_duration_text(returned - episode.last_seen_at)}",
                body=f"Found at {episode.found_place}. {episode.child_account}"[:2000],
                actor=actor,
                agency=by.agency if isinstance(by, User) else None,
            )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "missing_episode",
                str(episode.pk),
                episode.person_id,
                detail={"returned": returned.isoformat(), "interview": interview.pk},
            ),
        )
        _send_notice(episode, MissingNotice.Kind.RETURNED, now)
        if team is not None:
            _notify(
                list(team.members.filter(is_active=True).values_list("pk", flat=True)),
                f"Return home interview due: {episode.child_name}",
                "Offer within 72 hours of the return.",
                f"/missing/interviews/{interview.pk}/",
            )
    return episode, True


def _duration_text(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return f"{max(1, int(delta.total_seconds() // 60))} minutes"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days {hours % 24} hours"
