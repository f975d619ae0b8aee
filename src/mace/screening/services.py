"""Screening work: tool versions (shipped and published), completing a screening, and a manager's
agreement with a judgement more optimistic than the indicators. Each function validates, writes the
chronology and the access log, and does its work in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from mace.accounts.models import Partnership, User
from mace.core import audit
from mace.core.access import capabilities
from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import require_version, save_next_version
from mace.frontdoor import services as frontdoor_services
from mace.frontdoor.models import Contact
from mace.people import services as people_services
from mace.people.models import ChronologyEvent, Identifier, Person

from . import tool as tooling
from .models import Level, Screening, ToolVersion

MAX_TEXT = 10_000
CONTACT_SOURCE = "mace-screening"


# --------------------------------------------------------------------------------------------------
# Tool versions
# --------------------------------------------------------------------------------------------------


def tool_sync_shipped() -> list[ToolVersion]:
    """Put every shipped tool version in the database; a shipped version newer than any in use becomes
    the active one. Published versions are never touched. Runs after every migrate."""
    created = []
    now = timezone.now()
    for parsed, raw in tooling.shipped_tools():
        with transaction.atomic():
            exists = ToolVersion.objects.filter(code=parsed.code, version=parsed.version).exists()
            if exists:
                continue
            newest = ToolVersion.objects.filter(code=parsed.code).aggregate(n=Max("version"))["n"] or 0
            if parsed.version < newest:
                continue
            ToolVersion.objects.filter(code=parsed.code, status=ToolVersion.Status.ACTIVE).update(
                status=ToolVersion.Status.RETIRED, retired_at=now
            )
            created.append(
                ToolVersion.objects.create(
                    code=parsed.code,
                    version=parsed.version,
                    title=parsed.title,
                    definition=raw,
                    origin=ToolVersion.Origin.SHIPPED,
                    published_by_label="system:mace",
                    published_at=now,
                )
            )
    return created


def tool_publish(*, definition: str | dict[str, Any], change_note: str, by: User) -> ToolVersion:
    """An administrator publishes a new version. Screenings already completed keep their version."""
    if not capabilities(by).manage_tools:
        raise PermissionError("Only an administrator can publish a screening tool.")
    actor = audit.Actor.of(by)
    errors: dict[str, list[str]] = {}
    data: Any = definition
    if isinstance(definition, str):
        try:
            data = json.loads(definition)
        except json.JSONDecodeError as exc:
            errors["definition"] = [f"The definition is not valid JSON: {exc.msg} (line {exc.lineno})"]
    if not change_note.strip():
        errors["change_note"] = ["Say what changed and why"]
    if "definition" not in errors:
        if isinstance(data, dict):
            data = {**data, "version": 1}  # numbered below; the file's own number is not trusted
        try:
            parsed = tooling.parse_tool(data)
        except tooling.ToolError as exc:
            errors["definition"] = exc.problems
    if "definition" not in errors and not ToolVersion.objects.filter(code=parsed.code).exists():
        known = ", ".join(sorted(set(ToolVersion.objects.values_list("code", flat=True)))) or "none"
        errors["definition"] = [f"code must be the tool being revised ({known}), not '{parsed.code}'"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        newest = ToolVersion.objects.filter(code=parsed.code).aggregate(n=Max("version"))["n"] or 0
        ToolVersion.objects.select_for_update().filter(
            code=parsed.code, status=ToolVersion.Status.ACTIVE
        ).update(status=ToolVersion.Status.RETIRED, retired_at=now)
        version = ToolVersion.objects.create(
            code=parsed.code,
            version=newest + 1,
            title=parsed.title,
            definition={**data, "version": newest + 1},
            origin=ToolVersion.Origin.PUBLISHED,
            change_note=change_note.strip(),
            published_by_label=actor.label,
            published_at=now,
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.ADMIN,
                "screening_tool",
                str(version.pk),
                detail={"code": version.code, "version": version.version},
            ),
        )
    return version


# --------------------------------------------------------------------------------------------------
# Completing a screening
# --------------------------------------------------------------------------------------------------


@dataclass
class ScreeningIn:
    tool_version: ToolVersion | None
    answers: dict[str, str]  # indicator code -> evidence, for every indicator ticked
    analysis: str
    judgement: int | None
    judgement_reason: str
    person: Person | None = None
    subject: dict[str, Any] = field(default_factory=dict)
    child_voice: str = ""
    completed_at: datetime | None = None
    source_system: str = ""
    external_ref: str = ""
    # Completed while working a contact already at the front door: the screening joins that contact
    # instead of starting another.
    from_contact: Contact | None = None


def validate_screening(data: ScreeningIn, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field. Evidence problems are keyed `evidence.<indicator>`."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    version = data.tool_version
    if version is None:
        errors["tool_version"] = "Choose a version of the screening tool"
    elif version.status != ToolVersion.Status.ACTIVE:
        errors["tool_version"] = (
            f"Version {version.version} of the screening tool is retired: complete the current version"
        )
    else:
        indicators = version.tool.indicators
        for code, evidence in data.answers.items():
            if code not in indicators:
                errors[f"evidence.{code}"] = f"There is no indicator '{code}' in this version of the tool"
            elif not str(evidence or "").strip():
                errors[f"evidence.{code}"] = (
                    f"Give the evidence for '{indicators[code].text}': what you saw, were told or know"
                )
            elif len(str(evidence)) > MAX_TEXT:
                errors[f"evidence.{code}"] = f"The evidence must be {MAX_TEXT:,} characters or fewer"
    if data.person is None and not (
        str(data.subject.get("given_names") or "").strip()
        or str(data.subject.get("family_name") or "").strip()
    ):
        errors["subject"] = "Say who the child is: at least a name"
    if not data.analysis.strip():
        errors["analysis"] = "Write your analysis: what the indicators mean for this child"
    elif len(data.analysis) > MAX_TEXT:
        errors["analysis"] = f"The analysis must be {MAX_TEXT:,} characters or fewer"
    if data.judgement not in Level.values:
        errors["judgement"] = "Record your professional judgement of the risk: the score never decides alone"
    if not data.judgement_reason.strip():
        errors["judgement_reason"] = "Give the reason for your judgement"
    elif len(data.judgement_reason) > MAX_TEXT:
        errors["judgement_reason"] = f"The reason must be {MAX_TEXT:,} characters or fewer"
    if len(data.child_voice) > MAX_TEXT:
        errors["child_voice"] = f"The child's words must be {MAX_TEXT:,} characters or fewer"
    if data.completed_at is not None:
        if data.completed_at.tzinfo is None:
            errors["completed_at"] = "The time must include a UTC offset, like 2026-03-02T09:15:00+00:00"
        elif data.completed_at > now + timedelta(minutes=5):
            errors["completed_at"] = "The screening cannot be completed in the future"
    if bool(data.source_system) != bool(data.external_ref):
        errors["external_ref"] = "Give both the source system and its reference, or neither"
    return errors


@dataclass(frozen=True)
class Assessment:
    score: int
    level: int
    high_harm: tuple[str, ...]
    needs_agreement: bool


def assess(version: ToolVersion, answers: dict[str, str], judgement: int) -> Assessment:
    result = tooling.score(version.tool, answers)
    return Assessment(
        score=result.score,
        level=result.level,
        high_harm=result.high_harm,
        needs_agreement=tooling.needs_agreement(
            level=result.level, judgement=judgement, high_harm=bool(result.high_harm)
        ),
    )


def subject_of(person: Person) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "sex": person.sex,
    }
    for scheme, key in ((Identifier.Scheme.NHS, "nhs_number"), (Identifier.Scheme.UPN, "upn")):
        value = person.identifiers.filter(scheme=scheme).values_list("value", flat=True).first()
        if value:
            subject[key] = value
    return {k: v for k, v in subject.items() if v}


def _plain(subject: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in subject.items() if v}


def _summary(s: Screening, version: ToolVersion) -> str:
    indicators = version.tool.indicators
    lines = [
        f"Exploitation screening ({version.title}, version {version.version}) completed by "
        f"{s.completed_by_label}{' (' + s.agency.name + ')' if s.agency else ''}.",
        f"Indicators suggest: {Level(s.level).label} (score {s.score}). "
        f"Practitioner's judgement: {Level(s.judgement).label}.",
        f"Reason for the judgement: {s.judgement_reason}",
    ]
    if s.needs_agreement:
        lines.append(
            "The judgement is lower than the indicators suggest, or high-harm indicators are present: "
            "it awaits a manager's agreement. Treat the risk as the higher of the two until then."
        )
    for code, evidence in s.answers.items():
        ind = indicators[code]
        lines.append(f"- {ind.text}{' (high harm)' if ind.high_harm else ''}: {evidence}")
    lines.append(f"Analysis: {s.analysis}")
    return "\n".join(lines)


def _send_to_front_door(
    screening: Screening,
    data: ScreeningIn,
    indicators: dict[str, Any],
    result: Assessment,
    partnership: Partnership,
    route: str,
    by: User,
) -> Contact:
    """The completed screening as a front door contact, with its 24-hour clock."""
    assert data.tool_version is not None and data.judgement is not None
    contact, _ = frontdoor_services.contact_receive(
        data=frontdoor_services.ContactIn(
            kind=Contact.Kind.SCREENING,
            received_at=screening.completed_at,
            summary=_summary(screening, data.tool_version),
            subject=screening.subject,
            source_system=CONTACT_SOURCE,
            external_ref=f"screening-{screening.pk}",
            source_agency=screening.agency,
            concerns=sorted({indicators[c].concern for c in screening.answers}),
            child_voice=screening.child_voice,
            reporter={"name": by.get_full_name(), "job_title": getattr(by, "job_title", "")},
            person=data.person,
            risk=max(result.level, data.judgement),
        ),
        partnership=partnership,
        route=route,
        by=by,
    )
    return contact


def screening_complete(
    *, data: ScreeningIn, partnership: Partnership, by: User, route: str = Contact.Route.WEB
) -> tuple[Screening, bool]:
    """Complete a screening: scored, judged, and sent to the front door as a contact with its 24-hour
    clock. Returns (screening, created); the same source reference returns the first one.

    When the judgement is lower than the indicators, or high-harm indicators sit under a low judgement,
    the screening waits for a manager's agreement; the front door still hears of it at once, at the
    higher of the two levels."""
    if not capabilities(by).complete_screenings:
        raise PermissionError("This role cannot complete screenings.")
    actor = audit.Actor.of(by)
    errors = validate_screening(data)
    if errors:
        raise ValidationError(errors)
    if data.external_ref:
        existing = Screening.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is not None:
            return existing, False
    assert data.tool_version is not None and data.judgement is not None
    answers = {code: str(evidence).strip() for code, evidence in data.answers.items()}
    result = assess(data.tool_version, answers, data.judgement)
    completed_at = (data.completed_at or timezone.now()).astimezone(UTC)
    agency = getattr(by, "agency", None)
    try:
        with transaction.atomic():
            screening = Screening.objects.create(
                partnership=partnership,
                tool_version=data.tool_version,
                person=data.person,
                subject=_plain(data.subject) if data.person is None else subject_of(data.person),
                source_system=data.source_system,
                external_ref=data.external_ref,
                answers=answers,
                child_voice=data.child_voice.strip(),
                analysis=data.analysis.strip(),
                score=result.score,
                level=result.level,
                high_harm=bool(result.high_harm),
                judgement=data.judgement,
                judgement_reason=data.judgement_reason.strip(),
                needs_agreement=result.needs_agreement,
                status=Screening.Status.AWAITING_AGREEMENT
                if result.needs_agreement
                else Screening.Status.COMPLETE,
                agency=agency,
                completed_by=by,
                completed_by_label=actor.label,
                completed_at=completed_at,
            )
            indicators = data.tool_version.tool.indicators
            if data.from_contact is not None:
                contact = data.from_contact
            else:
                contact = _send_to_front_door(screening, data, indicators, result, partnership, route, by)
            screening.contact = contact
            if screening.person_id is None and contact.person_id is not None:
                screening.person_id = contact.person_id
            screening.save(update_fields=["contact", "person"])
            if screening.person_id:
                people_services.chronology_add(
                    person=screening.person,  # type: ignore[arg-type]
                    kind=ChronologyEvent.Kind.SCREENING,
                    occurred_at=completed_at,
                    title=(
                        f"Exploitation screening: indicators {Level(result.level).label.lower()}, "
                        f"judgement {Level(data.judgement).label.lower()}"
                    ),
                    body=(f"The child said: {screening.child_voice}\n" if screening.child_voice else "")
                    + screening.judgement_reason,
                    actor=actor,
                    agency=agency,
                )
            if screening.needs_agreement:
                _ask_managers(screening)
            audit.record(
                actor,
                audit.Event(
                    AccessLogEntry.Action.CREATE,
                    "screening",
                    str(screening.pk),
                    screening.person_id,
                    detail={
                        "level": result.level,
                        "judgement": data.judgement,
                        "needs_agreement": result.needs_agreement,
                        "contact": contact.pk,
                    },
                ),
            )
    except IntegrityError:
        existing = Screening.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is None or not data.external_ref:
            raise
        return existing, False
    return screening, True


def _ask_managers(screening: Screening) -> None:
    """The managers of the practitioner's agency hear at once that a judgement needs their agreement;
    an agency without one falls back to the partnership's front door managers."""
    from mace.accounts.models import Role, User

    managers = User.objects.filter(
        is_active=True,
        agency_id=screening.agency_id or 0,
        role_assignments__role__in=[
            Role.TEAM_MANAGER,
            Role.HEALTH_SAFEGUARDING_LEAD,
            Role.FRONT_DOOR_MANAGER,
        ],
    ).exclude(pk=screening.completed_by_id or 0)
    if screening.agency_id is None or not managers.exists():
        managers = User.objects.filter(
            is_active=True,
            team__partnership_id=screening.partnership_id,
            team__front_door=True,
            role_assignments__role=Role.FRONT_DOOR_MANAGER,
        ).exclude(pk=screening.completed_by_id or 0)
    Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            title=f"A screening judgement needs your agreement: {screening.subject_name}",
            body=f"Indicators suggest {Level(screening.level).label.lower()}; the practitioner judged "
            f"{Level(screening.judgement).label.lower()}.",
            link=f"/screening/{screening.pk}/",
        )
        for user_id in managers.values_list("pk", flat=True).distinct()[:50]
    )


def screening_agree(
    *,
    screening: Screening,
    agree: bool,
    note: str,
    by: User,
    judgement: int | None = None,
    version: int | None = None,
) -> Screening:
    """A manager (not the practitioner) agrees the judgement, or changes it, with a note. Only then is
    a screening that needed agreement complete."""
    if not capabilities(by).agree_judgements:
        raise PermissionError("Only a manager can agree a screening judgement.")
    actor = audit.Actor.of(by)
    errors: dict[str, str] = {}
    if by.pk == screening.completed_by_id:
        errors["__all__"] = "A different manager must agree: you completed this screening"
    if not note.strip():
        errors["note"] = "Say why you agree or what changes the judgement"
    if not agree and judgement not in Level.values:
        errors["judgement"] = "Choose the level of risk you judge it to be"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Screening.objects.select_for_update().get(pk=screening.pk)
        require_version(current, version, {"agree": agree, "judgement": judgement, "note": note})
        if current.status != Screening.Status.AWAITING_AGREEMENT:
            raise ValidationError({"__all__": "This screening is not waiting for agreement"})
        current.agreement = Screening.Agreement.AGREED if agree else Screening.Agreement.CHANGED
        if not agree:
            current.original_judgement = current.judgement
            current.judgement = int(judgement)  # type: ignore[arg-type]
        current.agreed_by = by
        current.agreed_by_label = actor.label
        current.agreed_at = timezone.now()
        current.agreement_note = note.strip()
        current.status = Screening.Status.COMPLETE
        save_next_version(current)
        if current.person_id:
            people_services.chronology_add(
                person=current.person,  # type: ignore[arg-type]
                kind=ChronologyEvent.Kind.SCREENING,
                title=(
                    "Manager agreed the screening judgement"
                    if agree
                    else "Manager changed the screening judgement to "
                    + Level(current.judgement).label.lower()
                ),
                body=current.agreement_note,
                actor=actor,
                agency=getattr(by, "agency", None),
            )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "screening",
                str(current.pk),
                current.person_id,
                detail={"agreement": current.agreement, "judgement": current.judgement},
            ),
        )
    return current
