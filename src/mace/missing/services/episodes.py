"""Reporting a child missing or absent, updating the episode, and identifying the child."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, Team, User
from mace.core import audit, clocks
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor.services import (
    front_door_involvement_ensure,
    standards,
)
from mace.people import linkage
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement, Person

from ..models import (
    EpisodeUpdate,
    MissingEpisode,
    MissingNotice,
)
from ._common import MAX_TEXT, _actor, _label, _require


@dataclass
class EpisodeIn:
    police_ref: str
    category: str
    setting: str
    risk: int | None
    reported_at: datetime | None
    last_seen_at: datetime | None
    last_seen_place: str
    circumstances: str
    subject: dict[str, Any] = field(default_factory=dict)
    last_seen_with: str = ""
    person: Person | None = None  # reported from the child's own record: no matching needed
    reporting_agency: Agency | None = None


def _aware(errors: dict[str, str], name: str, value: datetime | None, label: str, now: datetime) -> None:
    if value is None:
        errors[name] = f"Give the date and time {label}"
    elif value.tzinfo is None:
        errors[name] = f"The time {label} must include a UTC offset, like 2026-03-02T21:15:00+00:00"
    elif value > now + timedelta(minutes=5):
        errors[name] = f"The time {label} cannot be in the future"


def validate_episode(data: EpisodeIn, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field name."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not (data.police_ref or "").strip():
        errors["police_ref"] = "Give the police reference for this missing episode"
    elif len(data.police_ref) > 40:
        errors["police_ref"] = "The police reference must be 40 characters or fewer"
    if data.category not in MissingEpisode.Category.values:
        errors["category"] = "Say whether the child is missing or absent"
    if data.setting not in MissingEpisode.Setting.values:
        errors["setting"] = "Say whether the child is missing from home or from care"
    if data.risk not in MissingEpisode.Risk.values:
        errors["risk"] = "Give the police risk grading: 1 low, 2 medium or 3 high"
    _aware(errors, "reported_at", data.reported_at, "the child was reported missing", now)
    _aware(errors, "last_seen_at", data.last_seen_at, "the child was last seen", now)
    if (
        "reported_at" not in errors
        and "last_seen_at" not in errors
        and data.last_seen_at
        and data.reported_at
        and data.last_seen_at > data.reported_at
    ):
        errors["last_seen_at"] = "The child must have been last seen before they were reported missing"
    if not (data.last_seen_place or "").strip():
        errors["last_seen_place"] = "Say where the child was last seen"
    if not (data.circumstances or "").strip():
        errors["circumstances"] = "Describe the circumstances of the child going missing"
    elif len(data.circumstances) > MAX_TEXT:
        errors["circumstances"] = f"The circumstances must be {MAX_TEXT:,} characters or fewer"
    if data.person is None:
        s = data.subject or {}
        if not (str(s.get("family_name") or "").strip() or str(s.get("given_names") or "").strip()):
            errors["subject.family_name"] = "Give the child's name as the reporter gave it"
    return errors


def _overlapping(person: Person, start: datetime, end: datetime | None, exclude: int | None) -> Any:
    qs = MissingEpisode.objects.filter(person=person).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=start)
    )
    if end is not None:
        qs = qs.filter(last_seen_at__lt=end)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("last_seen_at").first()


def _overlap_error(other: MissingEpisode) -> str:
    since = timezone.localtime(other.last_seen_at).strftime("%d %B %Y %H:%M")
    if other.returned_at is None:
        return f"This child already has an open missing episode ({other.police_ref}, missing since {since})"
    until = timezone.localtime(other.returned_at).strftime("%d %B %Y %H:%M")
    return f"This overlaps the child's missing episode {other.police_ref} ({since} to {until})"


def _involve(person: Person, team: Team | None, description: str, actor: audit.Actor) -> None:
    people_services.involvement_ensure(
        person=person, team=team, kind=Involvement.Kind.INVOLVED, role_description=description, by=actor
    )


def _attach(episode: MissingEpisode, person: Person, actor: audit.Actor, reporter_team: Team | None) -> None:
    """The child's record learns of the episode, and every agency working with them hears of it now."""
    clash = _overlapping(person, episode.last_seen_at, episode.returned_at, episode.pk)
    if clash is not None:
        raise ValidationError({"last_seen_at": _overlap_error(clash)})
    episode.person = person
    front_door_involvement_ensure(person=person, partnership=episode.partnership, by=actor)
    _involve(person, reporter_team, "Reported the child missing", actor)
    people_services.chronology_add(
        person=person,
        kind=ChronologyEvent.Kind.MISSING,
        occurred_at=episode.reported_at,
        title=f"Reported {episode.get_category_display().lower()} {episode.get_setting_display().lower()}"
        f" ({episode.get_risk_display().lower()} risk)",
        body=f"Last seen {episode.last_seen_place}. {episode.circumstances}"[:2000],
        actor=actor,
        agency=episode.reporting_agency,
    )


def _csc_recipients(episode: MissingEpisode) -> list[int]:
    """Children's social care: the front door, and every worker with the child (allocated or involved)."""
    ids = set(
        User.objects.filter(
            is_active=True, team__partnership_id=episode.partnership_id, team__front_door=True
        ).values_list("pk", flat=True)
    )
    if episode.person is not None:
        ids |= set(
            Involvement.objects.filter(person=episode.person, ended_at__isnull=True, worker__isnull=False)
            .exclude(kind=Involvement.Kind.FRONT_DOOR)
            .values_list("worker_id", flat=True)
        )
    return sorted(ids)


def _notify(user_ids: list[int], title: str, body: str, link: str) -> None:
    Notification.objects.bulk_create(
        Notification(user_id=uid, title=title[:200], body=body[:300], link=link) for uid in user_ids
    )


def _send_notice(episode: MissingEpisode, kind: str, at: datetime) -> MissingNotice:
    recipients = _csc_recipients(episode)
    name = episode.child_name
    if kind == MissingNotice.Kind.REPORTED:
        title = f"{name} reported missing ({episode.get_risk_display().lower()} risk)"
        body = f"Last seen {episode.last_seen_place}. Police reference {episode.police_ref}."
    else:
        title = f"{name} is back: found or returned"
        place = episode.found_place or "a place not recorded"
        body = f"Found at {place}. Police reference {episode.police_ref}."
    _notify(recipients, title, body, f"/missing/episodes/{episode.pk}/")
    return MissingNotice.objects.create(episode=episode, kind=kind, sent_at=at, recipients=len(recipients))


def episode_report(
    *, data: EpisodeIn, partnership: Partnership, route: str, by: By
) -> tuple[MissingEpisode, bool]:
    """Record a child reported missing. Returns (episode, created); the same police reference returns the
    first. A child who cannot be identified is still recorded, and waits on the identification list."""
    _require(by, "report_missing", "This account cannot report children missing.")
    actor = _actor(by)
    errors = validate_episode(data)
    if errors:
        raise ValidationError(errors)
    ref = data.police_ref.strip().upper()
    existing = MissingEpisode.objects.filter(police_ref=ref).first()
    if existing is not None:
        return existing, False
    assert data.reported_at is not None and data.last_seen_at is not None
    subject = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (data.subject or {}).items() if v}
    reported = data.reported_at.astimezone(UTC)
    last_seen = data.last_seen_at.astimezone(UTC)
    reporter_team = by.team if isinstance(by, User) else None
    try:
        with transaction.atomic():
            person = data.person
            status: str
            score: float
            model_version = ""
            if person is not None:
                status, score = MissingEpisode.Match.LINKED, 1.0
            else:
                # Under the candidate blocks' locks, as the front door does: two reports about one
                # unknown child at once make one record.
                match = linkage.match_subject_for_write(subject, partnership.pk)
                status, score = match.decision.status, match.decision.score
                model_version = match.decision.model_version
                person = match.person
            episode = MissingEpisode.objects.create(
                partnership=partnership,
                police_ref=ref,
                route=route,
                reported_by=by if isinstance(by, User) else None,
                reporting_agency=data.reporting_agency or (by.agency if isinstance(by, User) else None),
                subject=subject,
                match_status=status,
                match_score=score,
                match_model=model_version,
                category=data.category,
                setting=data.setting,
                risk=int(data.risk or 0),
                reported_at=reported,
                last_seen_at=last_seen,
                last_seen_place=data.last_seen_place.strip()[:200],
                last_seen_with=data.last_seen_with.strip()[:200],
                circumstances=data.circumstances.strip(),
                strategy_due_at=clocks.strategy_meeting_due(last_seen, standards()),
            )
            if person is None and status == MissingEpisode.Match.NEW:
                person = people_services.person_from_subject(
                    subject=subject, partnership=partnership, agency=episode.reporting_agency, by=actor
                )
            if person is not None:
                _attach(episode, person, actor, reporter_team)
                episode.save(update_fields=["person"])
            audit.record(
                actor,
                audit.Event(
                    AccessLogEntry.Action.CREATE,
                    "missing_episode",
                    str(episode.pk),
                    episode.person_id,
                    detail={"route": route, "match": status, "police_ref": ref, "model": model_version},
                ),
            )
            _send_notice(episode, MissingNotice.Kind.REPORTED, timezone.now())
    except IntegrityError:
        existing = MissingEpisode.objects.filter(police_ref=ref).first()
        if existing is None:
            raise
        return existing, False
    return episode, True


def episode_update(
    *, episode: MissingEpisode, text: str, by: By, risk: int | None = None, version: int | None = None
) -> MissingEpisode:
    """Add what the search learned; regrade the risk if it changed."""
    _require(by, "report_missing", "This account cannot update missing episodes.")
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = "Say what was learned or done"
    if risk is not None and risk not in MissingEpisode.Risk.values:
        errors["risk"] = "Choose the risk grading"
    if not episode.is_missing:
        errors["text"] = "The child has returned: record what was learned on the return instead"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        require_version(episode, version, {"text": text, "risk": risk})
        before = episode.risk
        EpisodeUpdate.objects.create(
            episode=episode,
            at=timezone.now(),
            by_label=_label(by),
            text=text.strip(),
            risk_before=before if risk and risk != before else None,
            risk_after=risk if risk and risk != before else None,
        )
        if risk and risk != before:
            episode.risk = risk
        save_next_version(episode, ["risk"])
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "missing_episode",
                str(episode.pk),
                episode.person_id,
                detail={"update": True, "risk": episode.risk},
            ),
        )
    return episode


def episode_link(
    *, episode: MissingEpisode, person: Person, by: By, version: int | None = None
) -> MissingEpisode:
    """A worker says who the reported child is."""
    _require(by, "missing_list", "This account cannot identify children on missing episodes.")
    with transaction.atomic():
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        require_version(episode, version, {"person": person.pk})
        _attach(episode, person, _actor(by), None)
        episode.match_status = MissingEpisode.Match.LINKED
        save_next_version(episode, ["person", "match_status"])
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "missing_episode",
                str(episode.pk),
                person.pk,
                detail={"linked": True},
            ),
        )
        _share_after_identifying(episode)
    return episode


def episode_create_person(*, episode: MissingEpisode, by: By, version: int | None = None) -> MissingEpisode:
    """Nobody on record is this child: add them from the details the police gave."""
    _require(by, "create_people", "This account cannot add people.")
    with transaction.atomic():
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        require_version(episode, version, {"person": "new"})
        person = people_services.person_from_subject(
            subject=episode.subject,
            partnership=episode.partnership,
            agency=episode.reporting_agency,
            by=by,
        )
        _attach(episode, person, _actor(by), None)
        episode.match_status = MissingEpisode.Match.NEW
        save_next_version(episode, ["person", "match_status"])
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.CREATE,
                "person",
                str(person.pk),
                person.pk,
                detail={"episode": episode.pk},
            ),
        )
        _share_after_identifying(episode)
    return episode


def _share_after_identifying(episode: MissingEpisode) -> None:
    """Workers with the child hear of an episode the moment we know it is theirs."""
    recipients = _csc_recipients(episode)
    front_door = set(
        User.objects.filter(pk__in=recipients, team__front_door=True).values_list("pk", flat=True)
    )
    workers = [uid for uid in recipients if uid not in front_door]
    _notify(
        workers,
        f"{episode.child_name}: missing episode {episode.police_ref}",
        "Identified on a missing episode reported earlier.",
        f"/missing/episodes/{episode.pk}/",
    )
