"""Front door work: receiving contacts from every route, matching them to the right child, gathering
partner information, analysis, the decision and its approval, and the statutory work that follows.

Every function validates, writes the chronology and the access log, and does its work in one
transaction. Due times come only from `core.clocks`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, Role, Team, User
from mace.core import audit, clocks, locks
from mace.core import services as core_services
from mace.core.access import capabilities
from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.versioning import require_version, save_next_version
from mace.people import linkage
from mace.people import services as people_services
from mace.people.identifiers import nhs_number_is_valid
from mace.people.matching import MatchDecision
from mace.people.models import ChronologyEvent, Flag, Involvement, Person, SourceRecord

from . import thresholds
from .models import Contact, InformationRequest, PublicReportHit, Task

MAX_SUMMARY = 20_000
MAX_NAME = 150


def standards() -> clocks.Standards:
    return clocks.Standards(**getattr(settings, "MACE_STANDARDS", {}))


def information_due(requested_at: datetime) -> datetime:
    """Partner information is due within the configured clock hours (default 4)."""
    return clocks.add_clock_hours(requested_at, getattr(settings, "MACE_INFORMATION_HOURS", 4))


@dataclass
class ContactIn:
    kind: str
    received_at: datetime | None
    summary: str
    subject: dict[str, Any]
    source_system: str = ""
    external_ref: str = ""
    source_agency: Agency | None = None
    concerns: list[str] = field(default_factory=list)
    child_voice: str = ""
    reporter: dict[str, Any] = field(default_factory=dict)
    # Set when the sender already knows the child (a screening completed from the child's record):
    # the contact is linked to that record without matching.
    person: Person | None = None
    risk: int = 0  # the sender's assessed risk, 0 when not assessed (Contact.Risk)


def validate_contact(data: ContactIn, *, now: datetime | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field name."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if data.kind not in Contact.Kind.values:
        errors["kind"] = "Choose what kind of contact this is: " + ", ".join(Contact.Kind.values)
    if data.received_at is None:
        errors["received_at"] = "Give the date and time the concern was received, with its UTC offset"
    elif data.received_at.tzinfo is None:
        errors["received_at"] = "The time received must include a UTC offset, like 2026-03-02T09:15:00+00:00"
    elif data.received_at > now + timedelta(minutes=5):
        errors["received_at"] = "The time received cannot be in the future"
    if not (data.summary or "").strip():
        errors["summary"] = "Describe the concern"
    elif len(data.summary) > MAX_SUMMARY:
        errors["summary"] = f"The description must be {MAX_SUMMARY:,} characters or fewer"
    if bool(data.source_system) != bool(data.external_ref):
        errors["external_ref"] = "Give both the source system and its reference, or neither"
    unknown = [c for c in data.concerns if c not in thresholds.CONCERNS]
    if unknown:
        errors["concerns"] = "Unknown concerns: " + ", ".join(unknown[:5])
    s = data.subject or {}
    for name in ("given_names", "family_name"):
        if len(str(s.get(name) or "")) > MAX_NAME:
            errors[f"subject.{name}"] = (
                f"The child's {name.replace('_', ' ')} must be {MAX_NAME} characters or fewer"
            )
    dob = s.get("date_of_birth")
    if dob:
        try:
            born = dob if isinstance(dob, date) else date.fromisoformat(str(dob))
        except ValueError:
            errors["subject.date_of_birth"] = "The child's date of birth must be a real date, like 2011-03-27"
        else:
            if born > timezone.localdate():
                errors["subject.date_of_birth"] = "The child's date of birth cannot be in the future"
            elif born.year < 1990:
                errors["subject.date_of_birth"] = "The child's date of birth is too long ago for a child"
    nhs = s.get("nhs_number")
    if nhs and not nhs_number_is_valid(str(nhs)):
        errors["subject.nhs_number"] = "The NHS number is not valid: 10 digits that pass the check digit"
    return errors


def _front_door_teams(partnership: Partnership) -> list[Team]:
    return list(Team.objects.filter(partnership=partnership, front_door=True))


def front_door_involvement_ensure(*, person: Person, partnership: Partnership, by: By) -> None:
    """The partnership's front door teams are involved with a child the front door has heard about (so
    they may open the record), each involvement started and logged by the people module."""
    # One query for the teams not yet involved (not one a team): this runs for every contact.
    involved = Involvement.objects.filter(
        person=person, kind=Involvement.Kind.FRONT_DOOR, ended_at__isnull=True
    ).values("team_id")
    for team in list(Team.objects.filter(partnership=partnership, front_door=True).exclude(pk__in=involved)):
        people_services.involvement_start(
            person=person, team=team, kind=Involvement.Kind.FRONT_DOOR, role_description="Front door", by=by
        )


def _attach(contact: Contact, person: Person, actor: audit.Actor) -> None:
    """Link a contact to its child: the child's record learns of it, and the right teams see it."""
    contact.person = person
    s = contact.subject
    if contact.source_agency_id:
        dob = s.get("date_of_birth")
        SourceRecord.objects.create(
            person=person,
            agency_id=contact.source_agency_id,
            given_names=str(s.get("given_names") or "")[:150],
            family_name=str(s.get("family_name") or "")[:150],
            date_of_birth=date.fromisoformat(dob) if isinstance(dob, str) and dob else None,
            postcode=linkage.postcode_or_blank(s.get("postcode")),
            identifiers={k: s[k] for k in ("nhs_number", "police_id", "la_child_id", "upn") if s.get(k)},
            recorded_at=contact.received_at,
        )
    front_door_involvement_ensure(person=person, partnership=contact.partnership, by=actor)
    people_services.chronology_add(
        person=person,
        kind=ChronologyEvent.Kind.CONTACT,
        occurred_at=contact.received_at,
        title=f"{contact.get_kind_display()} received by the front door",
        body=contact.summary[:2000],
        actor=actor,
        agency=contact.source_agency,
    )
    _share_with_teams(contact, person)


def _share_with_teams(contact: Contact, person: Person) -> None:
    """Same-day sharing (3.1b): every worker allocated to or involved with the child hears of it now."""
    workers = (
        Involvement.objects.filter(person=person, ended_at__isnull=True, worker__isnull=False)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .values_list("worker_id", flat=True)
        .distinct()
    )
    Notification.objects.bulk_create(
        Notification(
            user_id=worker_id,
            title=f"New {contact.get_kind_display().lower()} about {person.display_name}",
            body=contact.summary[:300],
            link=f"/front-door/contacts/{contact.pk}/",
        )
        for worker_id in workers
    )


def contact_receive(*, data: ContactIn, partnership: Partnership, route: str, by: By) -> tuple[Contact, bool]:
    """Receive a contact. Returns (contact, created). The same source reference returns the first one.

    A contact about a child who cannot be identified is still accepted: it is never lost, and lands
    in the matching review list."""
    actor = core_services.actor(by)
    errors = validate_contact(data)
    if errors:
        raise ValidationError(errors)
    if data.external_ref:
        existing = Contact.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is not None:
            return existing, False
    assert data.received_at is not None
    received = data.received_at.astimezone(UTC)
    subject = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (data.subject or {}).items() if v}
    try:
        with transaction.atomic():
            if data.person is not None:
                match = linkage.Match(
                    decision=MatchDecision(
                        status=Contact.Match.MATCHED, best_index=0, score=1.0, comparisons=()
                    ),
                    candidate_ids=[data.person.pk],
                    records=[],
                )
            else:
                # Decided and acted on under the candidate blocks' locks: a concurrent contact about
                # the same new child waits, then finds the child this one creates.
                match = linkage.match_subject_for_write(subject, partnership.pk)
            contact = Contact.objects.create(
                partnership=partnership,
                kind=data.kind,
                route=route,
                source_system=data.source_system,
                external_ref=data.external_ref,
                source_agency=data.source_agency,
                submitted_by=by if isinstance(by, User) else None,
                reporter=data.reporter,
                received_at=received,
                review_due_at=clocks.review_due(received, standards()),
                decision_due_at=clocks.decision_due(received, standards()),
                subject=subject,
                match_status=match.decision.status,
                match_score=match.decision.score,
                match_model=match.decision.model_version,
                summary=data.summary.strip(),
                concerns=sorted(set(data.concerns)),
                child_voice=data.child_voice.strip(),
                risk=data.risk if data.risk in Contact.Risk.values else Contact.Risk.UNKNOWN,
            )
            person = data.person or match.person
            if person is None and match.decision.status == Contact.Match.NEW:
                person = people_services.person_from_subject(
                    subject=subject, partnership=partnership, agency=data.source_agency, by=actor
                )
            if person is not None:
                _attach(contact, person, actor)
                contact.save(update_fields=["person"])
            audit.record(
                actor,
                audit.Event(
                    AccessLogEntry.Action.CREATE,
                    "contact",
                    str(contact.pk),
                    contact.person_id,
                    detail={
                        "route": route,
                        "match": match.decision.status,
                        "score": round(match.decision.score, 4),
                        "model": match.decision.model_version,
                    },
                ),
            )
    except IntegrityError:
        # The same reference arrived twice at once: the other request won; answer with its contact.
        existing = Contact.objects.filter(
            source_system=data.source_system, external_ref=data.external_ref
        ).first()
        if existing is None:
            raise
        return existing, False
    return contact, True


class PublicRateLimited(Exception):
    """This address has sent the public form's limit of reports in the last hour."""


def public_source(address: str) -> str:
    """The key the public form's rate limit counts under: a keyed hash, so no address is stored."""
    return hmac.new(settings.SECRET_KEY.encode(), f"public-report:{address}".encode(), "sha256").hexdigest()


def public_concern_receive(*, data: ContactIn, partnership: Partnership, source: str) -> Contact:
    """Receive a report from the public form, at most `PublicReportHit.LIMIT` an hour from one source.

    Counted in the database, shared by every web process; the source's lock makes the count and the
    store one step, so two processes cannot both see "four" and both store a fifth."""
    with transaction.atomic():
        locks.hold(f"public-report:{source}")
        now = timezone.now()
        since = now - PublicReportHit.WINDOW
        PublicReportHit.objects.filter(at__lt=since).delete()
        if PublicReportHit.objects.filter(source=source, at__gte=since).count() >= PublicReportHit.LIMIT:
            raise PublicRateLimited(source)
        contact, _ = contact_receive(
            data=data,
            partnership=partnership,
            route=Contact.Route.PUBLIC,
            by=audit.Actor.system("public-form"),
        )
        PublicReportHit.objects.create(source=source, at=now)
    return contact


def _require_front_door(by: User) -> audit.Actor:
    if not capabilities(by).front_door:
        raise PermissionError("Only the front door can do this.")
    return audit.Actor.of(by)


def contact_link(*, contact: Contact, person: Person, by: User, version: int | None = None) -> Contact:
    """A worker links a contact to an existing person after reviewing the evidence."""
    actor = _require_front_door(by)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        require_version(contact, version, {"person": person.pk})
        if contact.person_id:
            raise ValidationError({"person": "This contact is already linked to a child"})
        contact.match_status = Contact.Match.LINKED
        _attach(contact, person, actor)
        save_next_version(contact, ["person", "match_status"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "contact",
                str(contact.pk),
                person.pk,
                detail={"linked": person.pk},
            ),
        )
    return contact


def contact_create_person(*, contact: Contact, by: User, version: int | None = None) -> Contact:
    """A worker decides the contact is about a child not yet on record."""
    actor = _require_front_door(by)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        require_version(contact, version, {"person": "new"})
        if contact.person_id:
            raise ValidationError({"person": "This contact is already linked to a child"})
        if not (contact.subject.get("family_name") or contact.subject.get("given_names")):
            raise ValidationError({"person": "Add at least the child's name before creating a record"})
        person = people_services.person_from_subject(
            subject=contact.subject, partnership=contact.partnership, agency=contact.source_agency, by=actor
        )
        contact.match_status = Contact.Match.NEW
        _attach(contact, person, actor)
        save_next_version(contact, ["person", "match_status"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.CREATE,
                "person",
                str(person.pk),
                person.pk,
                detail={"from_contact": contact.pk},
            ),
        )
    return contact


def information_request(*, contact: Contact, source: str, question: str, by: User) -> InformationRequest:
    actor = _require_front_door(by)
    if source not in InformationRequest.Source.values:
        raise ValidationError({"source": "Choose which agency to ask"})
    if not question.strip():
        raise ValidationError({"question": "Say what you need to know"})
    now = timezone.now()
    with transaction.atomic():
        request = InformationRequest.objects.create(
            contact=contact,
            source=source,
            question=question.strip(),
            requested_by_label=actor.label,
            requested_at=now,
            due_at=min(information_due(now), contact.decision_due_at)
            if contact.decision_due_at > now
            else information_due(now),
        )
        if contact.status == Contact.Status.OPEN:
            contact.status = Contact.Status.GATHERING
            save_next_version(contact, ["status"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "information_request",
                str(request.pk),
                contact.person_id,
                detail={"source": source},
            ),
        )
    return request


def information_respond(*, request: InformationRequest, response: str, by: User) -> InformationRequest:
    actor = audit.Actor.of(by)
    if not response.strip():
        raise ValidationError({"response": "Record what the agency shared"})
    if request.responded_at is not None:
        raise ValidationError({"response": "This request has already been answered"})
    with transaction.atomic():
        request.response = response.strip()
        request.responded_by_label = actor.label
        request.responded_at = timezone.now()
        request.save(update_fields=["response", "responded_by_label", "responded_at"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "information_request",
                str(request.pk),
                request.contact.person_id,
            ),
        )
    return request


def contact_analyse(
    *,
    contact: Contact,
    analysis: str,
    risk: int,
    child_voice: str,
    concerns: list[str],
    by: User,
    version: int | None,
) -> Contact:
    actor = _require_front_door(by)
    errors = {}
    if not analysis.strip():
        errors["analysis"] = "Write your analysis of the information gathered"
    if risk not in (1, 2, 3):
        errors["risk"] = "Choose the level of risk"
    if any(c not in thresholds.CONCERNS for c in concerns):
        errors["concerns"] = "Choose concerns from the list"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Contact.objects.select_for_update().get(pk=contact.pk)
        require_version(current, version, {"analysis": analysis, "risk": risk, "child_voice": child_voice})
        current.analysis, current.risk = analysis.strip(), risk
        current.child_voice, current.concerns = child_voice.strip(), sorted(set(concerns))
        current.analysed_by = by
        save_next_version(current, ["analysis", "risk", "child_voice", "concerns", "analysed_by"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "contact",
                str(current.pk),
                current.person_id,
                detail={"analysis": True, "risk": risk},
            ),
        )
    return current


def contact_threshold(contact: Contact) -> thresholds.Threshold:
    flags: list[str] = []
    if contact.person_id:
        flags = list(
            Flag.objects.filter(person_id=contact.person_id, removed_at__isnull=True).values_list(
                "kind", flat=True
            )
        )
    return thresholds.assess(concerns=contact.concerns, risk=contact.risk, flags=flags)


def contact_decide(
    *,
    contact: Contact,
    decision: str,
    reason: str,
    by: User,
    version: int | None,
    allocated_team: Team | None = None,
    allocated_worker: User | None = None,
) -> Contact:
    """Record the decision (the same working day). It then awaits a manager's approval."""
    actor = _require_front_door(by)
    errors: dict[str, str] = {}
    if decision not in Contact.Decision.values:
        errors["decision"] = "Choose a decision"
    if not reason.strip():
        errors["reason"] = "Give the reasons for the decision"
    if decision in (Contact.Decision.REFERRAL, Contact.Decision.EARLY_HELP, Contact.Decision.STRATEGY):
        if allocated_team is None:
            errors["allocated_team"] = "Choose the team the child is allocated to"
        elif allocated_worker is not None and allocated_worker.team_id != allocated_team.pk:
            errors["allocated_worker"] = "The worker must be in the team chosen"
    if contact.person_id is None:
        errors["person"] = "Match the contact to a child before deciding"
    if not contact.analysis:
        errors["analysis"] = "Record the analysis before deciding"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Contact.objects.select_for_update().get(pk=contact.pk)
        require_version(current, version, {"decision": decision, "reason": reason})
        if current.status == Contact.Status.CLOSED:
            raise ValidationError({"decision": "This contact has already been decided and approved"})
        threshold = contact_threshold(current)
        current.decision, current.decision_reason = decision, reason.strip()
        current.threshold_level = threshold.level
        current.allocated_team, current.allocated_worker = allocated_team, allocated_worker
        current.decided_by, current.decided_at = by, timezone.now()
        current.status = Contact.Status.AWAITING_APPROVAL
        save_next_version(
            current,
            [
                "decision",
                "decision_reason",
                "threshold_level",
                "allocated_team",
                "allocated_worker",
                "decided_by",
                "decided_at",
                "status",
            ],
        )
        Notification.objects.bulk_create(
            Notification(
                user=m,
                title=f"Decision awaiting approval: contact {current.pk}",
                body=f"{current.get_decision_display()}. {reason[:200]}",
                link=f"/front-door/contacts/{current.pk}/",
            )
            for m in User.objects.filter(
                team__in=_front_door_teams(current.partnership),
                is_active=True,
                role_assignments__role=Role.FRONT_DOOR_MANAGER,
            ).distinct()
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "contact",
                str(current.pk),
                current.person_id,
                detail={"decision": decision, "threshold": threshold.level},
            ),
        )
    return current


def contact_approve(*, contact: Contact, by: User, version: int | None, note: str = "") -> Contact:
    """Management approval completes the review: the decision stands and statutory work starts at once."""
    actor = audit.Actor.of(by)
    if not capabilities(by).approve_decisions:
        raise PermissionError("Only a front door manager can approve decisions.")
    with transaction.atomic():
        current = Contact.objects.select_for_update().get(pk=contact.pk)
        require_version(current, version, {"approve": True})
        if current.status != Contact.Status.AWAITING_APPROVAL:
            raise ValidationError({"approve": "There is no decision awaiting approval"})
        if current.decided_by_id == by.pk:
            raise ValidationError({"approve": "A different manager must approve your own decision"})
        now = timezone.now()
        current.approved_by, current.approved_at, current.status = by, now, Contact.Status.CLOSED
        save_next_version(current, ["approved_by", "approved_at", "status"])
        person = current.person
        assert person is not None
        _start_statutory_work(current, person, actor, now)
        people_services.chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.CONTACT,
            title=f"Front door decision: {current.get_decision_display()}",
            body=current.decision_reason + (f"\n\nApproved: {note}" if note else ""),
            actor=actor,
            agency=by.agency,
        )
        if not Contact.objects.filter(person=person).exclude(status=Contact.Status.CLOSED).exists():
            Involvement.objects.filter(
                person=person, kind=Involvement.Kind.FRONT_DOOR, ended_at__isnull=True
            ).update(ended_at=now, ended_reason="Front door decision approved")
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "contact",
                str(current.pk),
                current.person_id,
                detail={"approved": True},
            ),
        )
    return current


def _start_statutory_work(contact: Contact, person: Person, actor: audit.Actor, now: datetime) -> None:
    team, worker = contact.allocated_team, contact.allocated_worker
    if team is None:
        return
    # The team the child is allocated to must be able to open the record its tasks link to. A front
    # door involvement does not count: it ends once the child's contacts are all decided.
    if (
        not Involvement.objects.filter(person=person, team=team, ended_at__isnull=True)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .exists()
    ):
        people_services.involvement_start(
            person=person,
            team=team,
            worker=worker,
            kind=Involvement.Kind.ALLOCATED,
            role_description=contact.get_decision_display(),
            by=actor,
        )
    plans: dict[str, list[tuple[str, datetime]]] = {
        Contact.Decision.REFERRAL: [
            (Task.Kind.VISIT, clocks.add_clock_hours(now, 24)),
            (Task.Kind.ASSESSMENT, _working_days_later(now, 45)),
        ],
        Contact.Decision.STRATEGY: [
            (Task.Kind.STRATEGY, clocks.end_of_working_day(now)),
            (Task.Kind.VISIT, clocks.add_clock_hours(now, 24)),
        ],
        Contact.Decision.EARLY_HELP: [(Task.Kind.EARLY_HELP, _working_days_later(now, 10))],
    }
    tasks = plans.get(contact.decision, [])
    Task.objects.bulk_create(
        Task(contact=contact, person=person, kind=k, team=team, assignee=worker, created_at=now, due_at=due)
        for k, due in tasks
    )
    if worker is not None:
        Notification.objects.create(
            user=worker,
            title=f"{person.display_name} allocated to you",
            body=contact.get_decision_display(),
            link=f"/people/{person.pk}/",
        )


def task_complete(*, task_id: int, at: datetime, by: By, reason: str) -> bool:
    """Mark a statutory task done (once: a task already completed keeps its first date). The module that
    did the work calls this (meetings, when the strategy discussion is held), so the front door's table is
    written only here and the change is in the access log with the task's child."""
    task = Task.objects.select_for_update().filter(pk=task_id, completed_at__isnull=True).first()
    if task is None:
        return False
    task.completed_at = at
    task.save(update_fields=["completed_at"])
    audit.record(
        core_services.actor(by),
        audit.Event(
            AccessLogEntry.Action.UPDATE,
            "task",
            str(task.pk),
            person_id=task.person_id,
            reason=reason,
            detail={"kind": task.kind, "completed_at": at.isoformat()},
        ),
    )
    return True


def _working_days_later(now: datetime, days: int) -> datetime:
    local = now.astimezone(clocks.LONDON)
    due_day = clocks.add_working_days(local.date(), days)
    return datetime.combine(due_day, clocks.DEFAULT_WORKING_HOURS.close, tzinfo=clocks.LONDON)


def meeting_record(
    *, partnership: Partnership, kind: str, held_on: date, agencies: list[Agency], notes: str, by: User
) -> Any:
    """Record that a daily or weekly front door meeting was held, who came and what it concluded."""
    from .models import FrontDoorMeeting

    actor = _require_front_door(by)
    if kind not in FrontDoorMeeting.Kind.values:
        raise ValidationError({"kind": "Choose the daily or the weekly meeting"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A meeting cannot be recorded before it happens"})
    if not agencies:
        raise ValidationError({"agencies": "Choose the agencies that attended"})
    period = (
        (held_on - timedelta(days=1), held_on) if kind == "daily" else (held_on - timedelta(days=7), held_on)
    )
    with transaction.atomic():
        meeting, _ = FrontDoorMeeting.objects.update_or_create(
            partnership=partnership,
            kind=kind,
            held_on=held_on,
            defaults={
                "period_start": period[0],
                "period_end": period[1],
                "notes": notes.strip(),
                "recorded_by_label": actor.label,
            },
        )
        meeting.agencies_present.set(agencies)
        audit.record(actor, audit.Event(AccessLogEntry.Action.UPDATE, "front_door_meeting", str(meeting.pk)))
    return meeting


def meeting_action_add(
    *,
    meeting: Any,
    description: str,
    owner_agency: Agency | None,
    due_on: date | None,
    by: User,
    contact: Contact | None = None,
) -> Any:
    from .models import MeetingAction

    actor = _require_front_door(by)
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    if owner_agency is None:
        errors["owner_agency"] = "Choose the agency that owns the action"
    if due_on is None:
        errors["due_on"] = "Give the date the action is due"
    elif due_on < meeting.held_on:
        errors["due_on"] = "The due date cannot be before the meeting"
    if errors:
        raise ValidationError(errors)
    assert owner_agency is not None and due_on is not None
    with transaction.atomic():
        action = MeetingAction.objects.create(
            meeting=meeting,
            contact=contact,
            description=description.strip(),
            owner_agency=owner_agency,
            due_on=due_on,
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "meeting_action",
                str(action.pk),
                contact.person_id if contact else None,
            ),
        )
    return action


def meeting_action_complete(*, action: Any, by: User) -> Any:
    actor = _require_front_door(by)
    with transaction.atomic():
        action.completed_at = timezone.now()
        action.save(update_fields=["completed_at"])
        audit.record(actor, audit.Event(AccessLogEntry.Action.UPDATE, "meeting_action", str(action.pk)))
    return action
