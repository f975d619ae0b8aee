"""Missing episodes from report to return, the 48-hour strategy meeting, and return home interviews.

Every function validates, writes the chronology and the access log, and does its work in one
transaction. Due times come only from `core.clocks`; the standards are the front door's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, Role, Team, User
from mace.core import audit, clocks
from mace.core import services as core_services
from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor.services import (
    front_door_involvement_ensure,
    standards,
)
from mace.people import linkage
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Involvement, Person

from .models import (
    EpisodeUpdate,
    MissingEpisode,
    MissingNotice,
    MorningList,
    ReturnInterview,
    StrategyRequirement,
    TriggerPlan,
)

MAX_TEXT = 20_000
MORNING_LIST_HOUR = 8  # London wall clock: the list goes out at 08:00 every day, weekends included

PUSH_FACTORS = {
    "conflict_home": "Conflict or arguments at home",
    "unhappy_placement": "Unhappy in their placement",
    "abuse_neglect": "Abuse or neglect at home",
    "bullying": "Bullying",
    "school": "Problems at school",
    "bereavement": "Bereavement or loss",
    "mental_health": "Mental health or emotional wellbeing",
    "boundaries": "Rules and boundaries",
}
PULL_FACTORS = {
    "friends": "To be with friends",
    "partner": "To be with a boyfriend or girlfriend",
    "older_associates": "Older associates",
    "family_elsewhere": "Family living elsewhere",
    "drugs_alcohol": "Drugs or alcohol",
    "money_gifts": "Money, gifts or somewhere to stay",
    "county_lines": "Criminal exploitation or county lines",
    "parties": "Parties",
}


def place_key(text: str) -> str:
    """Places as typed ("Halbury Bus Station", "halbury bus stn.") grouped for the patterns."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (text or "").lower()).split()
    aliases = {"stn": "station", "st": "street", "rd": "road", "mcdonalds": "mcdonald s"}
    return " ".join(aliases.get(w, w) for w in words)[:200]


_actor = core_services.actor
_label = core_services.label
_require = core_services.require


# Reporting -----------------------------------------------------------------------------------------


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


# Identification ------------------------------------------------------------------------------------


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


# The return ----------------------------------------------------------------------------------------


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


# The 48-hour rule ----------------------------------------------------------------------------------


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


# Return home interviews ----------------------------------------------------------------------------


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


# The morning list ----------------------------------------------------------------------------------


def share_morning_list(now: datetime | None = None) -> int:
    """At 08:00 every day, share the children missing now with the partnership (2.1c). Once a day."""
    now = now or timezone.now()
    local = now.astimezone(clocks.LONDON)
    if local.hour < MORNING_LIST_HOUR:
        return 0
    shared = 0
    for partnership in Partnership.objects.all():
        if MorningList.objects.filter(partnership=partnership, shared_on=local.date()).exists():
            continue
        ids = list(
            MissingEpisode.objects.filter(partnership=partnership, status=MissingEpisode.Status.MISSING)
            .order_by("last_seen_at")
            .values_list("pk", flat=True)
        )
        recipients = sorted(
            set(
                User.objects.filter(
                    is_active=True, team__partnership=partnership, team__front_door=True
                ).values_list("pk", flat=True)
            )
            | set(_police_users(partnership.pk))
        )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    MorningList.objects.create(
                        partnership=partnership,
                        shared_on=local.date(),
                        shared_at=now,
                        episode_ids=ids,
                        recipients=len(recipients),
                    )
            except IntegrityError:
                continue
            _notify(
                recipients,
                f"Children missing this morning: {len(ids)}",
                f"The {partnership.name} morning list for {local:%A %d %B}.",
                "/missing/",
            )
        shared += 1
    return shared


def tick(now: datetime | None = None) -> dict[str, int]:
    return {
        "strategy_required": require_strategy_meetings(now),
        "morning_lists": share_morning_list(now),
    }


# Trigger plans (5.4g) -------------------------------------------------------------------------------


@dataclass
class TriggerPlanIn:
    triggers: str
    places: str
    actions: str
    associates: str = ""


TRIGGER_FIELDS = ("triggers", "places", "associates", "actions")


def validate_trigger_plan(data: TriggerPlanIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    required = {
        "triggers": "Say what sets off the child's episodes",
        "places": "Say where to look first",
        "actions": "Say what to do at once when the child is next reported missing",
    }
    for name, message in required.items():
        if not (getattr(data, name) or "").strip():
            errors[name] = message
    for name in TRIGGER_FIELDS:
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors[name] = f"This must be {MAX_TEXT:,} characters or fewer"
    return errors


def trigger_review_due(today: date) -> date:
    return today + timedelta(days=settings.MACE_TRIGGER_PLAN_REVIEW_DAYS)


def trigger_plan_save(
    *, person: Person, data: TriggerPlanIn, by: User, version: int | None = None
) -> tuple[TriggerPlan, bool]:
    """Write the child's trigger plan, or revise the live one (which counts as its review). Returns the
    plan and whether it was new. A stale version is a conflict: nothing is overwritten."""
    _require(by, "report_missing", "Only the police write trigger plans.")
    errors = validate_trigger_plan(data)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    label = _label(by)
    values = {name: (getattr(data, name) or "").strip() for name in TRIGGER_FIELDS}
    with transaction.atomic():
        plan = TriggerPlan.objects.select_for_update().filter(person=person, ended_at__isnull=True).first()
        created = plan is None
        if plan is None:
            if version:  # the client saw a plan that has since been ended
                raise ValidationError({"__all__": "The trigger plan you were editing has been ended"})
            plan = TriggerPlan(
                person=person, partnership_id=person.partnership_id, created_at=now, created_by_label=label
            )
        else:  # revising the live plan needs the version it was read at (none: a conflict, as stale)
            require_version(plan, version, values)
        for name, value in values.items():
            setattr(plan, name, value)
        plan.updated_at, plan.updated_by_label = now, label
        plan.review_due_on = trigger_review_due(timezone.localdate(now))
        if created:
            plan.save()
        else:
            save_next_version(plan)
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.MISSING,
            occurred_at=now,
            title="Police trigger plan " + ("written" if created else "reviewed"),
            body=f"If missing: {values['actions']}"[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        _notify(
            [u for u in _allocated_team_users(person.pk) if u != getattr(by, "pk", None)],
            f"Police trigger plan {'written' if created else 'updated'}: {person.display_name}",
            "What the police will do when the child is next missing.",
            f"/missing/children/{person.pk}/trigger-plan/",
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.CREATE if created else AccessLogEntry.Action.UPDATE,
                "trigger_plan",
                str(plan.pk),
                person.pk,
                detail={"version": plan.version},
            ),
        )
    return plan, created


def trigger_plan_end(*, plan: TriggerPlan, reason: str, by: User, version: int | None = None) -> TriggerPlan:
    """The plan is no longer needed (the child has stopped going missing, or moved away)."""
    _require(by, "report_missing", "Only the police end trigger plans.")
    if not (reason or "").strip():
        raise ValidationError({"end_reason": "Say why the plan is no longer needed"})
    with transaction.atomic():
        plan = TriggerPlan.objects.select_for_update().get(pk=plan.pk)
        require_version(plan, version, {"end_reason": reason})
        if plan.ended_at is not None:
            raise ValidationError({"__all__": "This trigger plan has already ended"})
        now = timezone.now()
        plan.ended_at, plan.end_reason = now, reason.strip()
        plan.updated_at, plan.updated_by_label = now, _label(by)
        save_next_version(plan)
        people_services.chronology_add(
            person=plan.person,
            kind=ChronologyEvent.Kind.MISSING,
            occurred_at=now,
            title="Police trigger plan ended",
            body=plan.end_reason[:2000],
            actor=_actor(by),
            agency=by.agency if isinstance(by, User) else None,
        )
        audit.record(
            _actor(by),
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "trigger_plan",
                str(plan.pk),
                plan.person_id,
                detail={"ended": True},
            ),
        )
    return plan
