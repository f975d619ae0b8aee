"""The network's writes. Each validates, writes, audits (and where a child's record should show it, adds to
the chronology) in one transaction. Refusals are ValidationError with a reason a person can act on;
acting beyond one's role is PermissionError; a stale form is a Conflict."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Partnership, User
from mace.core import audit, clocks
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.core.services import actor, is_system, label, require
from mace.core.versioning import require_version, save_next_version
from mace.people.models import Person
from mace.people.services import chronology_add

from . import matching, selectors
from .models import (
    Assessment,
    Association,
    Breach,
    Confidence,
    ContextAssessment,
    ContextConference,
    ContextKind,
    ContextPlan,
    ContextPlanReview,
    ContextPlanVersion,
    ContextStep,
    Disruption,
    Handling,
    Link,
    NrmReferral,
    PartnerKind,
    Proposal,
    Reliability,
    Source,
    Subject,
    SubjectMerge,
)

A = AccessLogEntry.Action
EXPIRY_WARNING_WORKING_DAYS = 10


def _user_id(by: By) -> int | None:
    return None if isinstance(by, audit.Actor) else getattr(by, "pk", None)


# Subjects -------------------------------------------------------------------------------------------------


@dataclass
class SubjectIn:
    kind: str
    name: str
    source: str
    source_reliability: str
    information_assessment: int
    handling_code: int
    aliases: str = ""
    date_of_birth: date | None = None
    place_kind: str = ""
    address: str = ""
    postcode: str = ""
    cuckooed: bool = False
    foreign: bool = False
    make_model: str = ""
    platform: str = ""
    description: str = ""


def validate_subject(data: SubjectIn) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.kind not in Subject.Kind.values:
        problems["kind"] = "Choose what kind of subject this is"
    noun = {"vehicle": "registration", "online": "handle", "place": "name of the place"}.get(
        data.kind, "name"
    )
    if not data.name.strip():
        problems["name"] = f"Enter the {noun}"
    elif (
        data.kind == Subject.Kind.VEHICLE
        and not data.foreign
        and not matching.uk_registration_valid(data.name)
    ):
        problems["name"] = (
            "Enter a UK registration in a valid format, like AB12 CDE, or say the vehicle is registered "
            "outside the UK"
        )
    if data.kind == Subject.Kind.PLACE and data.place_kind not in Subject.PlaceKind.values:
        problems["place_kind"] = "Choose what kind of place this is"
    if data.kind == Subject.Kind.ONLINE and not data.platform.strip():
        problems["platform"] = "Enter the platform, for example Snapchat"
    if not data.source.strip():
        problems["source"] = "Enter where the information came from"
    if data.source_reliability not in Reliability.values:
        problems["source_reliability"] = "Choose how reliable the source is (A to E)"
    if data.information_assessment not in Assessment.values:
        problems["information_assessment"] = "Choose the assessment of the information (1 to 5)"
    if data.handling_code not in Handling.values:
        problems["handling_code"] = "Choose the handling code (1 to 5)"
    return problems


def subject_record(*, partnership: Partnership, data: SubjectIn, by: By) -> Subject:
    require(by, "record_intelligence", "Only police intelligence roles record subjects.")
    problems = validate_subject(data)
    if problems:
        raise ValidationError(problems)
    name = (
        matching.display_registration(data.name)
        if data.kind == Subject.Kind.VEHICLE and not data.foreign
        else data.name.strip()
    )
    key = (
        matching.registration_key(name).lower()
        if data.kind == Subject.Kind.VEHICLE
        else matching.name_key(name)
    )
    with transaction.atomic():
        subject = Subject.objects.create(
            partnership=partnership,
            kind=data.kind,
            name=name,
            name_key=key,
            aliases=data.aliases.strip(),
            date_of_birth=data.date_of_birth,
            place_kind=data.place_kind if data.kind == Subject.Kind.PLACE else "",
            address=data.address.strip(),
            postcode=data.postcode.strip().upper(),
            cuckooed=data.cuckooed,
            foreign=data.foreign,
            make_model=data.make_model.strip(),
            platform=data.platform.strip(),
            description=data.description.strip(),
            source=data.source.strip(),
            source_reliability=data.source_reliability,
            information_assessment=data.information_assessment,
            handling_code=data.handling_code,
            recorded_by_id=_user_id(by),
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "network_subject",
                str(subject.pk),
                detail={"kind": subject.kind, "grading": subject.grading},
            ),
        )
        # What is already on record may mention the new subject: propose, never link.
        proposals_make(
            partnership_id=partnership.pk, since=timezone.now() - timedelta(days=365), subjects=[subject]
        )
    return subject


def group_adopt(*, group: Subject, by: By, version: int | None) -> Subject:
    """The MACE panel adopts a group the refresh proposed: it becomes a subject like any other (kept at the
    next refresh, worked on, disrupted)."""
    require(by, "meetings", "Only those who arrange and chair MACE panels adopt a group.")
    with transaction.atomic():
        locked = Subject.objects.select_for_update().get(pk=group.pk)
        require_version(locked, version, {"adopted": True})
        if locked.kind != Subject.Kind.GROUP or not locked.proposed:
            raise ValidationError({"__all__": "This group is not a proposed group."})
        locked.adopted_at = timezone.now()
        locked.adopted_by_label = label(by)
        save_next_version(locked, ["adopted_at", "adopted_by_label"])
        audit.record(
            actor(by), audit.Event(A.UPDATE, "network_subject", str(locked.pk), detail={"adopted": True})
        )
    return locked


# Associations -------------------------------------------------------------------------------------------


@dataclass
class LinkIn:
    kind: str
    subject: Subject | None = None
    person: Person | None = None
    from_subject: Subject | None = None
    other_person: Person | None = None
    starts: date | None = None
    ends: date | None = None
    source_kind: str = Source.INTELLIGENCE
    source_id: str = ""
    confidence: str = Confidence.MEDIUM
    note: str = ""


def _may_link_child(by: By, person: Person, partnership_id: int) -> bool:
    if is_system(by):
        return True
    if person.partnership_id != partnership_id:
        return False
    return person.pk in selectors.openable(by, [person.pk]) or (
        selectors.names_children(by) and not person.restricted and person.archived_at is None
    )


def validate_link(data: LinkIn, by: By, partnership_id: int) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.kind not in Link.values:
        problems["kind"] = "Choose the type of link"
    left = [x for x in (data.person, data.from_subject) if x is not None]
    right = [x for x in (data.subject, data.other_person) if x is not None]
    if len(left) != 1 or len(right) != 1:
        problems["__all__"] = "A link joins exactly two records"
    for s in (data.subject, data.from_subject):
        if s is not None and not (is_system(by) or selectors.may_see(by, s)):
            problems["subject"] = "You may not link to a record you cannot see"
    for p in (data.person, data.other_person):
        if p is not None and not _may_link_child(by, p, partnership_id):
            problems["person"] = "You may not link to a record you cannot see"
    if data.person is not None and data.other_person is not None and data.person.pk == data.other_person.pk:
        problems["person"] = "A child cannot be linked to themselves"
    if data.subject is not None and data.from_subject is not None and data.subject.pk == data.from_subject.pk:
        problems["subject"] = "A subject cannot be linked to itself"
    if data.starts and data.ends and data.ends < data.starts:
        problems["ends"] = "The date the link ended must be the same as or after the date it started"
    if data.source_kind not in Source.values:
        problems["source_kind"] = "Choose where the link was found"
    if data.confidence not in Confidence.values:
        problems["confidence"] = "Choose how confident you are in the link"
    return problems


def association_record(*, partnership: Partnership, data: LinkIn, by: By) -> Association:
    require(by, "record_intelligence", "Only police intelligence roles record links.")
    problems = validate_link(data, by, partnership.pk)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        link = _create_link(partnership.pk, data, by)
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE,
                "network_link",
                str(link.pk),
                person_id=link.person_id or link.other_person_id,
                detail={"kind": link.kind, "source": link.source_kind},
            ),
        )
    return link


def _create_link(partnership_id: int, data: LinkIn, by: By) -> Association:
    return Association.objects.create(
        partnership_id=partnership_id,
        kind=data.kind,
        person=data.person,
        from_subject=data.from_subject,
        subject=data.subject,
        other_person=data.other_person,
        starts=data.starts,
        ends=data.ends,
        source_kind=data.source_kind,
        source_id=data.source_id,
        confidence=data.confidence,
        note=data.note.strip(),
        recorded_by_id=_user_id(by),
        recorded_by_label=label(by),
        recorded_at=timezone.now(),
    )


# Proposals --------------------------------------------------------------------------------------------

# Where a record's words were found decides the proposed link: "found with" an adult is "seen with"; a
# place in "found place" is "found at"; elsewhere a place is "linked to place"; an online identity is
# "in contact online"; a vehicle anywhere is "seen with".
_FIELD_LINK = {
    ("found_with", "adult"): Link.SEEN_WITH,
    ("last_seen_with", "adult"): Link.SEEN_WITH,
    ("found_place", "place"): Link.FOUND_AT,
    ("last_seen_place", "place"): Link.MISSING_FROM,
}
_KIND_LINK = {
    "adult": Link.SEEN_WITH,
    "place": Link.LINKED_TO_PLACE,
    "vehicle": Link.SEEN_WITH,
    "online": Link.ONLINE_CONTACT,
}


def _link_for(field_name: str, kind: str) -> str:
    return _FIELD_LINK.get((field_name, kind), _KIND_LINK[kind])


@dataclass
class _Scan:
    terms: list[matching.Term] = field(default_factory=list)


def _terms(partnership_id: int, subjects: list[Subject] | None) -> list[matching.Term]:
    qs = (
        Subject.objects.filter(
            partnership_id=partnership_id, merged_into__isnull=True, archived_at__isnull=True
        )
        .exclude(kind=Subject.Kind.GROUP)
        .values("pk", "kind", "name", "aliases", "postcode", "address")
    )
    if subjects is not None:
        qs = qs.filter(pk__in=[s.pk for s in subjects])
    out: list[matching.Term] = []
    for s in qs:
        out.extend(
            matching.terms_for(s["pk"], s["kind"], s["name"], s["aliases"], s["postcode"], s["address"])
        )
    return out


def proposals_make(*, partnership_id: int, since: datetime, subjects: list[Subject] | None = None) -> int:
    """Propose associations from missing episodes, screenings and contacts since `since`: each structured
    field and free text matched against the names, places, registrations and handles on record. Each
    proposal is made once (a rejected one is not made again). Returns how many are new."""
    from mace.frontdoor.selectors import contacts_for_network
    from mace.missing.selectors import episodes_for_network
    from mace.screening.selectors import screenings_for_network

    terms = _terms(partnership_id, subjects)
    if not terms:
        return 0
    now = timezone.now()
    found: list[Proposal] = []

    def scan(person_id: int, source_kind: str, source_id: Any, on: date, fields: dict[str, str]) -> None:
        for name, text in fields.items():
            for hit in matching.find(text, terms):
                found.append(
                    Proposal(
                        partnership_id=partnership_id,
                        person_id=person_id,
                        subject_id=hit.subject_id,
                        kind=_link_for(name, hit.kind),
                        source_kind=source_kind,
                        source_id=str(source_id),
                        on=on,
                        field=name,
                        evidence=hit.evidence[:300],
                        created_at=now,
                    )
                )

    for e in episodes_for_network(partnership_id, since=since):
        scan(
            e["person_id"],
            Source.MISSING,
            e["pk"],
            timezone.localtime(e["last_seen_at"]).date(),
            {
                k: e[k]
                for k in (
                    "found_with",
                    "last_seen_with",
                    "found_place",
                    "last_seen_place",
                    "circumstances",
                    "child_account",
                )
            },
        )
    for s in screenings_for_network(partnership_id, since=since):
        scan(
            s["person_id"],
            Source.SCREENING,
            s["pk"],
            timezone.localtime(s["completed_at"]).date(),
            {"analysis": s["analysis"], "child_voice": s["child_voice"]},
        )
    for c in contacts_for_network(partnership_id, since=since):
        scan(
            c["person_id"],
            Source.CONTACT,
            c["pk"],
            timezone.localtime(c["received_at"]).date(),
            {"summary": c["summary"]},
        )
    # One proposal per child, subject, link and source record, whichever field found it first.
    unique: dict[tuple[Any, ...], Proposal] = {}
    for p in found:
        unique.setdefault((p.person_id, p.subject_id, p.kind, p.source_kind, p.source_id), p)
    if not unique:
        return 0
    existing = set(
        Proposal.objects.filter(
            partnership_id=partnership_id, subject_id__in={p.subject_id for p in unique.values()}
        ).values_list("person_id", "subject_id", "kind", "source_kind", "source_id")
    )
    new = [p for k, p in unique.items() if k not in existing]
    with transaction.atomic():
        Proposal.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        if new:
            audit.record(
                audit.Actor.system("network proposals"),
                audit.Event(A.CREATE, "network_proposals", str(partnership_id), detail={"count": len(new)}),
            )
    return len(new)


def proposals_refresh_job(now: datetime) -> int:
    """The worker: propose from what arrived in the last two days (each proposal is made only once)."""
    done = 0
    for pk in Partnership.objects.values_list("pk", flat=True):
        done += proposals_make(partnership_id=pk, since=now - timedelta(days=2))
    return done


def proposal_decide(
    *, proposal: Proposal, confirm: bool, by: By, reason: str = "", confidence: str = Confidence.MEDIUM
) -> Proposal:
    """A person confirms (the link is made, from the source record) or rejects (with a reason) a proposal."""
    require(by, "record_intelligence", "Only police intelligence roles decide proposed links.")
    if not confirm and not reason.strip():
        raise ValidationError({"reason": "Say why the proposed link is wrong"})
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("subject", "person").get(pk=proposal.pk)
        if locked.status != Proposal.Status.OPEN:
            raise ValidationError({"__all__": "This proposal has already been decided."})
        if confirm:
            data = LinkIn(
                kind=locked.kind,
                person=locked.person,
                subject=locked.subject,
                starts=locked.on,
                ends=locked.on,
                source_kind=locked.source_kind,
                source_id=locked.source_id,
                confidence=confidence,
                note=f"Confirmed from the {locked.get_source_kind_display().lower()}: {locked.evidence}",
            )
            problems = validate_link(data, by, locked.partnership_id)
            if problems:
                raise ValidationError(problems)
            locked.association = _create_link(locked.partnership_id, data, by)
        locked.status = Proposal.Status.CONFIRMED if confirm else Proposal.Status.REJECTED
        locked.decided_by_label = label(by)
        locked.decided_at = timezone.now()
        locked.reason = reason.strip()
        locked.save()
        audit.record(
            actor(by),
            audit.Event(
                A.UPDATE,
                "network_proposal",
                str(locked.pk),
                person_id=locked.person_id,
                detail={"decision": locked.status, "association": locked.association_id},
            ),
        )
    return locked


# Merging two adults --------------------------------------------------------------------------------------


def subject_merge(*, survivor: Subject, other: Subject, reason: str, by: By) -> SubjectMerge:
    """Two records of one adult: the other's links and proposals move to the survivor, and the other is
    marked merged. Reversible (`merge_undo`): the moved rows are listed on the merge."""
    require(by, "record_intelligence", "Only police intelligence roles merge adults.")
    problems = {}
    if survivor.pk == other.pk:
        problems["other"] = "Choose a different adult to merge"
    if survivor.kind != Subject.Kind.ADULT or other.kind != Subject.Kind.ADULT:
        problems["other"] = "Only two adults of concern can be merged"
    if survivor.partnership_id != other.partnership_id:
        problems["other"] = "The two adults are recorded in different partnerships"
    if other.merged_into_id or survivor.merged_into_id:
        problems["other"] = "One of the two is already merged"
    if not reason.strip():
        problems["reason"] = "Say why they are the same person"
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        moved = {
            "links_in": list(Association.objects.filter(subject=other).values_list("pk", flat=True)),
            "links_out": list(Association.objects.filter(from_subject=other).values_list("pk", flat=True)),
            "disruptions": list(Disruption.objects.filter(subject=other).values_list("pk", flat=True)),
        }
        Association.objects.filter(pk__in=moved["links_in"]).update(subject=survivor)
        Association.objects.filter(pk__in=moved["links_out"]).update(from_subject=survivor)
        Disruption.objects.filter(pk__in=moved["disruptions"]).update(subject=survivor)
        Subject.objects.filter(pk=other.pk).update(merged_into=survivor)
        merge = SubjectMerge.objects.create(
            survivor=survivor,
            other=other,
            moved=moved,
            reason=reason.strip(),
            merged_at=timezone.now(),
            merged_by_label=label(by),
        )
        audit.record(
            actor(by),
            audit.Event(
                A.UPDATE,
                "network_subject_merge",
                str(merge.pk),
                detail={"survivor": survivor.pk, "other": other.pk},
            ),
        )
    return merge


def merge_undo(*, merge: SubjectMerge, by: By) -> SubjectMerge:
    require(by, "record_intelligence", "Only police intelligence roles undo a merge.")
    if merge.undone_at is not None:
        raise ValidationError({"__all__": "This merge has already been undone."})
    with transaction.atomic():
        moved = merge.moved
        Association.objects.filter(pk__in=moved.get("links_in", [])).update(subject=merge.other)
        Association.objects.filter(pk__in=moved.get("links_out", [])).update(from_subject=merge.other)
        Disruption.objects.filter(pk__in=moved.get("disruptions", [])).update(subject=merge.other)
        Subject.objects.filter(pk=merge.other_id).update(merged_into=None)
        merge.undone_at = timezone.now()
        merge.undone_by_label = label(by)
        merge.save(update_fields=["undone_at", "undone_by_label"])
        audit.record(
            actor(by), audit.Event(A.UPDATE, "network_subject_merge", str(merge.pk), detail={"undone": True})
        )
    return merge


# Disruption ----------------------------------------------------------------------------------------------


@dataclass
class DisruptionIn:
    kind: str
    issuer: str
    served_on: date | None
    expires_on: date | None = None
    conditions: str = ""
    children: list[Person] = field(default_factory=list)
    lead_officer: Any = None


def disruption_record(*, subject: Subject, data: DisruptionIn, by: By) -> Disruption:
    require(by, "record_intelligence", "Only police intelligence roles record disruption.")
    problems: dict[str, str] = {}
    if data.kind not in Disruption.Kind.values:
        problems["kind"] = "Choose the kind of disruption"
    if not data.issuer.strip():
        problems["issuer"] = "Enter who issued it"
    if data.served_on is None:
        problems["served_on"] = "Enter the date it was served, for example 14 3 2026"
    elif data.expires_on is not None and data.expires_on < data.served_on:
        problems["expires_on"] = "The expiry date must be the same as or after the date it was served"
    for child in data.children:
        if not _may_link_child(by, child, subject.partnership_id):
            problems["children"] = "You may not name a child whose record you cannot see"
    if not (is_system(by) or selectors.may_see(by, subject)):
        problems["__all__"] = "You may not record disruption against a record you cannot see"
    if problems or data.served_on is None:
        raise ValidationError(problems)
    with transaction.atomic():
        d = Disruption.objects.create(
            partnership_id=subject.partnership_id,
            subject=subject,
            kind=data.kind,
            issuer=data.issuer.strip(),
            served_on=data.served_on,
            expires_on=data.expires_on,
            conditions=data.conditions.strip(),
            lead_officer=data.lead_officer or (by if isinstance(by, User) else None),
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        d.children.set(data.children)
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE, "network_disruption", str(d.pk), detail={"kind": d.kind, "subject": subject.pk}
            ),
        )
    return d


def breach_record(*, disruption: Disruption, on: date | None, details: str, by: By) -> Breach:
    """A breach of an order or notice: recorded, and the lead officer told at once."""
    require(by, "record_intelligence", "Only police intelligence roles record breaches.")
    problems = {}
    if on is None:
        problems["on"] = "Enter the date of the breach, for example 14 3 2026"
    elif on < disruption.served_on:
        problems["on"] = "The breach must be on or after the date the order was served"
    elif on > timezone.localdate():
        problems["on"] = "The date of the breach must be today or in the past"
    if not details.strip():
        problems["details"] = "Describe the breach"
    if problems or on is None:
        raise ValidationError(problems)
    from mace.core.ui import url

    with transaction.atomic():
        breach = Breach.objects.create(
            disruption=disruption,
            on=on,
            details=details.strip(),
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        if disruption.lead_officer_id:
            Notification.objects.create(
                user_id=disruption.lead_officer_id,
                title=f"Breach of a {disruption.get_kind_display()} recorded",
                body=f"Breach on {on:%-d %B %Y}, recorded by {label(by)}.",
                link=url("network:disruption", disruption.pk),
            )
        audit.record(
            actor(by),
            audit.Event(A.CREATE, "network_breach", str(breach.pk), detail={"disruption": disruption.pk}),
        )
    return breach


def disruption_alerts(now: datetime) -> int:
    """The worker: tell the lead officer when an order expires within 10 working days (once per order)."""
    from mace.core.ui import url

    today = timezone.localtime(now).date()
    horizon = clocks.add_working_days(today, EXPIRY_WARNING_WORKING_DAYS)
    due = list(
        Disruption.objects.filter(
            expiry_alerted_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=horizon,
            lead_officer__isnull=False,
        )
    )
    with transaction.atomic():
        for d in due:
            if d.lead_officer_id is None or d.expires_on is None:
                continue
            Notification.objects.create(
                user_id=d.lead_officer_id,
                title=f"A {d.get_kind_display()} expires on {d.expires_on:%-d %B %Y}",
                body="Decide whether to apply to renew it, or record what protects the children after.",
                link=url("network:disruption", d.pk),
            )
            d.expiry_alerted_at = now
            d.save(update_fields=["expiry_alerted_at"])
        if due:
            audit.record(
                audit.Actor.system("network alerts"),
                audit.Event(A.CREATE, "notification", "", detail={"expiries": len(due)}),
            )
    return len(due)


# National Referral Mechanism --------------------------------------------------------------------------


def nrm_refer(
    *, person: Person, exploitation: str, first_responder: str, referred_on: date | None, by: By
) -> NrmReferral:
    require(by, "nrm", "Only first responders record NRM referrals.")
    problems = {}
    if exploitation not in NrmReferral.Exploitation.values:
        problems["exploitation"] = "Choose the kind of exploitation"
    if not first_responder.strip():
        problems["first_responder"] = "Enter the first responder organisation"
    if referred_on is None:
        problems["referred_on"] = "Enter the date of the referral, for example 14 3 2026"
    elif referred_on > timezone.localdate():
        problems["referred_on"] = "The date of the referral must be today or in the past"
    if problems or referred_on is None:
        raise ValidationError(problems)
    with transaction.atomic():
        r = NrmReferral.objects.create(
            partnership_id=person.partnership_id,
            person=person,
            exploitation=exploitation,
            first_responder=first_responder.strip(),
            referred_on=referred_on,
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        chronology_add(
            person=person,
            kind="nrm",
            title=f"NRM referral ({r.get_exploitation_display().lower()})",
            actor=actor(by),
        )
        audit.record(actor(by), audit.Event(A.CREATE, "nrm_referral", str(r.pk), person_id=person.pk))
    return r


def nrm_decide(
    *, referral: NrmReferral, stage: str, on: date | None, decision: str, by: By, version: int | None
) -> NrmReferral:
    """Record the reasonable-grounds or the conclusive-grounds decision. Refused: a decision before the
    referral, a conclusive decision before (or without) the reasonable-grounds one."""
    require(by, "nrm", "Only first responders record NRM decisions.")
    with transaction.atomic():
        r = NrmReferral.objects.select_for_update().get(pk=referral.pk)
        require_version(r, version, {"stage": stage, "on": on, "decision": decision})
        problems = {}
        if stage not in ("reasonable", "conclusive"):
            problems["stage"] = "Choose which decision this is"
        if decision not in NrmReferral.Decision.values:
            problems["decision"] = "Choose the decision"
        if on is None:
            problems["on"] = "Enter the date of the decision, for example 14 3 2026"
        elif on < r.referred_on:
            problems["on"] = "The decision must be on or after the date of the referral"
        elif on > timezone.localdate():
            problems["on"] = "The date of the decision must be today or in the past"
        elif stage == "conclusive":
            if r.reasonable_grounds_on is None:
                problems["on"] = "Record the reasonable-grounds decision before the conclusive-grounds one"
            elif on < r.reasonable_grounds_on:
                problems["on"] = (
                    "The conclusive-grounds decision must be on or after the reasonable-grounds decision"
                )
        if problems:
            raise ValidationError(problems)
        if stage == "reasonable":
            r.reasonable_grounds_on, r.reasonable_grounds = on, decision
            fields = ["reasonable_grounds_on", "reasonable_grounds"]
        else:
            r.conclusive_grounds_on, r.conclusive_grounds = on, decision
            fields = ["conclusive_grounds_on", "conclusive_grounds"]
        save_next_version(r, fields)
        chronology_add(
            person=r.person, kind="nrm", title=f"NRM {stage}-grounds decision: {decision}", actor=actor(by)
        )
        audit.record(
            actor(by),
            audit.Event(A.UPDATE, "nrm_referral", str(r.pk), person_id=r.person_id, detail={"stage": stage}),
        )
    return r


# Contextual safeguarding: a place or group assessed, conferenced and planned for ------------------------

CONTEXT_KINDS = (Subject.Kind.PLACE, Subject.Kind.GROUP)
CONTEXT_REVIEW_MONTHS = 3  # a context plan's first review, from the conference, unless the plan says


def _context_require(by: By, subject: Subject) -> None:
    require(by, "meetings", "Only those who arrange and chair MACE panels work on context assessments.")
    if not (is_system(by) or selectors.may_see(by, subject)):
        raise PermissionError("You may not work on an assessment of a record you cannot see.")


def _lock(assessment: ContextAssessment, version: int | None, attempted: dict[str, Any]) -> ContextAssessment:
    locked = ContextAssessment.objects.select_for_update().select_related("subject").get(pk=assessment.pk)
    require_version(locked, version, attempted)
    return locked


_NEEDS = {
    "trigger": "the trigger",
    "scope": "the scope",
    "observation": "an observation",
    "weighing": "the weighing of the contexts",
    "conference": "the context conference",
}


def _out_of_order(locked: ContextAssessment, allowed: tuple[str, ...], doing: str) -> None:
    """The toolkit's steps go in order: refuse a step whose step before is not recorded, or that the
    assessment has already moved past."""
    if locked.step in allowed:
        return
    if locked.reached(allowed[-1]):
        raise ValidationError({"__all__": f"This assessment has moved past {doing}."})
    raise ValidationError(
        {"__all__": f"Record {_NEEDS[allowed[0]]} before {doing}: the toolkit's steps go in order."}
    )


def names_in_text(text: str, children: list[Person]) -> bool:
    """True if the text names one of these children (given, family or preferred name, in any case). The
    oversight pack's redaction decides what is a name, so the two never disagree."""
    from mace.oversight.pack_sections import REDACTED, redact
    from mace.people.keys import name_key

    own = {
        name_key(word)
        for child in children
        for name in (child.given_names, child.family_name, child.preferred_name)
        for word in (name or "").replace("-", " ").split()
        if len(name_key(word)) >= 2
    }
    if not own or not text:
        return False
    return redact(text, own=own, everyone=set()).count(REDACTED) > text.count(REDACTED)


NAMED_CHILD = (
    "This names a child in scope. The conference discusses the place or group, not individuals: "
    "remove the name"
)


def _audit_context(by: By, action: str, a: ContextAssessment, **detail: Any) -> None:
    audit.record(actor(by), audit.Event(action, "network_context", str(a.pk), detail=detail))


@dataclass
class TriggerIn:
    trigger: str
    triggered_on: date | None
    source_kind: str = ""
    source_id: str = ""


def context_start(*, subject: Subject, data: TriggerIn, by: By) -> ContextAssessment:
    """Start an assessment of a place or a group: the trigger step (what prompted it and when)."""
    _context_require(by, subject)
    problems: dict[str, str] = {}
    if subject.kind not in CONTEXT_KINDS:
        problems["__all__"] = (
            "Only a place or a group is assessed as a context: an adult, a vehicle or an online identity "
            "is not"
        )
    elif subject.proposed:
        problems["__all__"] = "Adopt the group as a subject of the MACE panel before assessing it"
    elif subject.merged_into_id or subject.archived_at:
        problems["__all__"] = "This record is merged or archived"
    if not data.trigger.strip():
        problems["trigger"] = "Say what prompted the assessment"
    if data.triggered_on is None:
        problems["triggered_on"] = "Enter the date of the trigger, for example 14 3 2026"
    elif data.triggered_on > timezone.localdate():
        problems["triggered_on"] = "The date of the trigger must be today or in the past"
    if data.source_kind and data.source_kind not in Source.values:
        problems["source_kind"] = "Choose the kind of record that prompted it"
    if data.source_id and not data.source_kind:
        problems["source_kind"] = "Choose the kind of record the reference belongs to"
    if problems or data.triggered_on is None:
        raise ValidationError(problems)
    with transaction.atomic():
        a = ContextAssessment.objects.create(
            partnership_id=subject.partnership_id,
            subject=subject,
            step=ContextStep.TRIGGER,
            trigger=data.trigger.strip(),
            triggered_on=data.triggered_on,
            trigger_source_kind=data.source_kind,
            trigger_source_id=data.source_id.strip()[:64],
            started_by_label=label(by),
            started_at=timezone.now(),
        )
        _audit_context(by, A.CREATE, a, step="trigger", subject=subject.pk)
    return a


def context_scope(
    *, assessment: ContextAssessment, area: str, children: list[Person], by: By, version: int | None
) -> ContextAssessment:
    """The scope: the area or context assessed, and the children in scope, chosen from the subject's
    links this user may see."""
    _context_require(by, assessment.subject)
    with transaction.atomic():
        locked = _lock(assessment, version, {"area": area, "children": [c.pk for c in children]})
        _out_of_order(locked, (ContextStep.TRIGGER,), "scoping")
        allowed = (
            selectors.linked_child_ids(locked.subject)
            if is_system(by)
            else set(selectors.scope_candidates(by, locked.subject))
        )
        problems: dict[str, str] = {}
        if not area.strip():
            problems["area"] = "Describe the area or context the assessment covers"
        if not children:
            problems["children"] = "Choose the children in scope"
        elif any(c.pk not in allowed for c in children):
            problems["children"] = "Choose children linked to this place or group whose records you may see"
        if problems:
            raise ValidationError(problems)
        locked.scope_area = area.strip()
        locked.scoped_by_label = label(by)
        locked.scoped_at = timezone.now()
        locked.step = ContextStep.SCOPE
        save_next_version(locked, ["scope_area", "scoped_by_label", "scoped_at", "step"])
        locked.children.set(children)
        for c in children:
            audit.record(
                actor(by),
                audit.Event(
                    A.UPDATE, "network_context", str(locked.pk), person_id=c.pk, detail={"in_scope": True}
                ),
            )
        _audit_context(by, A.UPDATE, locked, step="scope", children=len(children))
    return locked


@dataclass
class SafetyIn:
    place: str
    feels: str  # safe or unsafe
    why: str


def context_observe(
    *,
    assessment: ContextAssessment,
    on: date | None,
    where: str,
    what: str,
    safety: list[SafetyIn],
    by: By,
    version: int | None,
) -> ContextAssessment:
    """Add a dated observation, and what young people said in their safety mapping (places that feel
    safe or unsafe and why), without names. Observations are added until the contexts are weighed."""
    _context_require(by, assessment.subject)
    with transaction.atomic():
        locked = _lock(assessment, version, {"on": on, "where": where, "what": what})
        _out_of_order(locked, (ContextStep.SCOPE, ContextStep.OBSERVATION), "observing")
        in_scope = list(locked.children.all())
        problems: dict[str, str] = {}
        if on is None:
            problems["on"] = "Enter the date of the observation, for example 14 3 2026"
        elif on > timezone.localdate():
            problems["on"] = "The date of the observation must be today or in the past"
        elif on < locked.triggered_on:
            problems["on"] = "The observation must be on or after the date of the trigger"
        if not where.strip():
            problems["where"] = "Say where the observation was made"
        if not what.strip():
            problems["what"] = "Describe what was observed"
        elif names_in_text(what, in_scope):
            problems["what"] = NAMED_CHILD
        for n, s in enumerate(safety, start=1):
            if not s.place.strip() or s.feels not in ("safe", "unsafe") or not s.why.strip():
                problems[f"safety_{n}"] = (
                    f"Safety map entry {n}: give the place, whether it feels safe or unsafe, and why"
                )
            elif names_in_text(f"{s.place} {s.why}", in_scope):
                problems[f"safety_{n}"] = (
                    f"Safety map entry {n}: young people's safety mapping is recorded without names"
                )
        if problems or on is None:
            raise ValidationError(problems)
        now = timezone.now()
        who = label(by)
        locked.observations = [
            *locked.observations,
            {
                "on": on.isoformat(),
                "where": where.strip(),
                "what": what.strip(),
                "by": who,
                "at": now.isoformat(),
            },
        ]
        locked.safety_map = [
            *locked.safety_map,
            *(
                {
                    "place": s.place.strip(),
                    "feels": s.feels,
                    "why": s.why.strip(),
                    "by": who,
                    "at": now.isoformat(),
                }
                for s in safety
            ),
        ]
        locked.observed_by_label, locked.observed_at = who, now
        locked.step = ContextStep.OBSERVATION
        save_next_version(locked, ["observations", "safety_map", "observed_by_label", "observed_at", "step"])
        _audit_context(by, A.UPDATE, locked, step="observation", safety_entries=len(safety))
    return locked


@dataclass
class ContextIn:
    context: str
    harm: str
    protective: str


def context_weigh(
    *, assessment: ContextAssessment, contexts: list[ContextIn], judgement: str, by: By, version: int | None
) -> ContextAssessment:
    """Weigh the contexts (peer, school, neighbourhood, online, home): harm and protective factors in
    each, and a judgement. Closes the observation step."""
    _context_require(by, assessment.subject)
    with transaction.atomic():
        locked = _lock(assessment, version, {"judgement": judgement})
        _out_of_order(locked, (ContextStep.OBSERVATION,), "weighing the contexts")
        in_scope = list(locked.children.all())
        problems: dict[str, str] = {}
        chosen = [c for c in contexts if c.harm.strip() or c.protective.strip()]
        if not chosen:
            problems["contexts"] = "Weigh at least one context: its harm or its protective factors"
        seen: set[str] = set()
        for c in chosen:
            if c.context not in ContextKind.values:
                problems["contexts"] = "Choose a context: peer, school, neighbourhood, online or home"
            elif c.context in seen:
                problems["contexts"] = "Weigh each context once"
            elif names_in_text(f"{c.harm} {c.protective}", in_scope):
                problems[f"context_{c.context}"] = NAMED_CHILD
            seen.add(c.context)
        if not judgement.strip():
            problems["judgement"] = "Give the judgement: how the contexts together affect children's safety"
        elif names_in_text(judgement, in_scope):
            problems["judgement"] = NAMED_CHILD
        if problems:
            raise ValidationError(problems)
        locked.contexts = [
            {"context": c.context, "harm": c.harm.strip(), "protective": c.protective.strip()} for c in chosen
        ]
        locked.judgement = judgement.strip()
        locked.weighed_by_label, locked.weighed_at = label(by), timezone.now()
        locked.step = ContextStep.WEIGHING
        save_next_version(locked, ["contexts", "judgement", "weighed_by_label", "weighed_at", "step"])
        _audit_context(by, A.UPDATE, locked, step="weighing", contexts=len(chosen))
    return locked


@dataclass
class AttendeeIn:
    name: str
    agency: str


@dataclass
class ConferenceIn:
    held_on: date | None
    chair: Any
    attendees: list[AttendeeIn]
    discussion: str
    decisions: str


def context_conference(
    *, assessment: ContextAssessment, data: ConferenceIn, by: By, version: int | None
) -> ContextConference:
    """The context conference: chaired by a child protection chair of the partnership, about the place or
    group, not individuals (text naming a child in scope is refused)."""
    from mace.core.access import capabilities

    _context_require(by, assessment.subject)
    with transaction.atomic():
        locked = _lock(assessment, version, {"held_on": data.held_on, "discussion": data.discussion})
        _out_of_order(locked, (ContextStep.WEIGHING,), "the conference")
        in_scope = list(locked.children.all())
        problems: dict[str, str] = {}
        if data.held_on is None:
            problems["held_on"] = "Enter the date of the conference, for example 14 3 2026"
        elif data.held_on > timezone.localdate():
            problems["held_on"] = "Record the conference once it has been held"
        elif data.held_on < locked.triggered_on:
            problems["held_on"] = "The conference must be on or after the date of the trigger"
        chair = data.chair
        if chair is None:
            problems["chair"] = "Choose the child protection chair who chaired the conference"
        elif not capabilities(
            chair
        ).chair_conferences or locked.partnership_id not in selectors.partnership_ids(chair):
            problems["chair"] = "The chair must be a child protection chair of the partnership"
        attendees = [x for x in data.attendees if x.name.strip() or x.agency.strip()]
        if not attendees:
            problems["attendees"] = "Say who attended, and from which agency"
        elif any(not x.name.strip() or not x.agency.strip() for x in attendees):
            problems["attendees"] = "Give each attendee's name and agency"
        for name, text, what in (
            ("discussion", data.discussion, "Record the discussion about the place or group"),
            ("decisions", data.decisions, "Record the conference's decisions"),
        ):
            if not text.strip():
                problems[name] = what
            elif names_in_text(text, in_scope):
                problems[name] = NAMED_CHILD
        if problems or data.held_on is None or chair is None:
            raise ValidationError(problems)
        conference = ContextConference.objects.create(
            assessment=locked,
            held_on=data.held_on,
            chair=chair,
            chair_label=label(chair),
            attendees=[{"name": x.name.strip(), "agency": x.agency.strip()} for x in attendees],
            discussion=data.discussion.strip(),
            decisions=data.decisions.strip(),
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        locked.step = ContextStep.CONFERENCE
        save_next_version(locked, ["step"])
        _audit_context(by, A.CREATE, locked, step="conference", chair=chair.pk, attendees=len(attendees))
    return conference


@dataclass
class ContextActionIn:
    text: str
    partner: str
    owner: str
    due: date | None
    progress: str = ""
    key: str = ""


@dataclass
class ContextPlanIn:
    summary: str
    review_on: date | None
    actions: list[ContextActionIn]
    reason: str = ""


def _plan_attempted(data: ContextPlanIn) -> dict[str, Any]:
    return {
        "summary": data.summary,
        "review_on": data.review_on,
        "reason": data.reason,
        "actions": [f"{a.text} ({a.partner}, {a.owner}, due {a.due})" for a in data.actions],
    }


def context_plan_save(
    *, assessment: ContextAssessment, data: ContextPlanIn, by: By, version: int | None
) -> ContextPlanVersion:
    """Write the context plan's next version. `version` is the plan version the form was opened on (0: no
    plan yet); any other (or none) is a Conflict and nothing is saved. Each action is for a partner
    (licensing, transport, the school …) with an owner and a due date on or after the conference."""
    _context_require(by, assessment.subject)
    now = timezone.now()
    with transaction.atomic():
        locked = ContextAssessment.objects.select_for_update().select_related("subject").get(pk=assessment.pk)
        plan = ContextPlan.objects.select_for_update().filter(assessment=locked).first()
        current = plan.version if plan else 0
        if version is None or version != current:
            latest = plan.versions.get(number=plan.version) if plan else locked
            raise Conflict(plan or latest, _plan_attempted(data), based_on=version)
        _out_of_order(locked, (ContextStep.CONFERENCE, ContextStep.PLAN), "the context plan")
        held_on = locked.conference.held_on
        in_scope = list(locked.children.all())
        problems: dict[str, str] = {}
        if not data.summary.strip():
            problems["summary"] = "Say what the plan will change about the place or group"
        elif names_in_text(data.summary, in_scope):
            problems["summary"] = NAMED_CHILD
        if plan is not None and not data.reason.strip():
            problems["reason"] = "Say why the plan is changing"
        if data.review_on is None:
            problems["review_on"] = "Enter the date the plan will be reviewed, for example 14 3 2027"
        elif data.review_on <= held_on:
            problems["review_on"] = "The review must be after the conference"
        if not data.actions:
            problems["actions"] = "Add at least one action for a partner"
        for n, act in enumerate(data.actions, start=1):
            wrong = []
            if not act.text.strip():
                wrong.append("say what will be done")
            if act.partner not in PartnerKind.values:
                wrong.append("choose the partner: licensing, transport, school, police, community safety …")
            if not act.owner.strip():
                wrong.append("give the action an owner")
            if act.due is None:
                wrong.append("give a due date")
            elif act.due < held_on:
                wrong.append(f"the due date cannot be before the conference ({held_on:%-d %B %Y})")
            if not wrong and names_in_text(f"{act.text} {act.progress}", in_scope):
                wrong.append("remove the name of a child: the plan is about the place or group")
            if wrong:
                problems[f"action_{n}"] = f"Action {n}: " + "; ".join(wrong)
        if problems or data.review_on is None:
            raise ValidationError(problems)
        if plan is None:
            plan = ContextPlan.objects.create(
                assessment=locked, review_on=data.review_on, created_at=now, updated_at=now, version=1
            )
            locked.step = ContextStep.PLAN
            save_next_version(locked, ["step"])
        else:
            plan.review_on, plan.updated_at = data.review_on, now
            save_next_version(plan, ["review_on", "updated_at"])
        new = ContextPlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            created_at=now,
            created_by_label=label(by),
            reason=data.reason.strip() or "First version of the context plan",
            summary=data.summary.strip(),
            review_on=data.review_on,
            actions=[
                {
                    "key": a.key or uuid.uuid4().hex[:12],
                    "text": a.text.strip(),
                    "partner": a.partner,
                    "owner": a.owner.strip()[:150],
                    "due": a.due.isoformat() if a.due else "",
                    "progress": a.progress.strip(),
                }
                for a in data.actions
            ],
        )
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE if new.number == 1 else A.UPDATE,
                "network_context_plan",
                str(plan.pk),
                detail={"assessment": locked.pk, "version": new.number, "actions": len(data.actions)},
            ),
        )
    return new


@dataclass
class ContextReviewIn:
    held_on: date | None
    attendees: str
    progress: str
    safer: str
    decision: str
    next_review_on: date | None = None


def context_review(*, plan: ContextPlan, data: ContextReviewIn, by: By) -> ContextPlanReview:
    """A review of the context plan, like a child's plan review: is the place or group safer, continue
    (with the next review date) or close. A review adds to the plan and never conflicts."""
    assessment = plan.assessment
    _context_require(by, assessment.subject)
    with transaction.atomic():
        locked = ContextPlan.objects.select_for_update().get(pk=plan.pk)
        in_scope = list(assessment.children.all())
        problems: dict[str, str] = {}
        if locked.status == ContextPlan.Status.CLOSED:
            problems["__all__"] = "This context plan is closed."
        if data.held_on is None:
            problems["held_on"] = "Give the date of the review"
        elif data.held_on > timezone.localdate():
            problems["held_on"] = "A review cannot be recorded before it has happened"
        elif data.held_on < assessment.conference.held_on:
            problems["held_on"] = "The review cannot be before the conference"
        if not data.attendees.strip():
            problems["attendees"] = "Say who attended the review"
        if not data.progress.strip():
            problems["progress"] = "Describe the progress against the context plan"
        elif names_in_text(data.progress, in_scope):
            problems["progress"] = NAMED_CHILD
        if data.safer not in ContextPlanReview.Safer.values:
            problems["safer"] = "Say whether the place or group is safer for children"
        if data.decision not in ContextPlanReview.Decision.values:
            problems["decision"] = "Choose the decision: continue or close the plan"
        elif data.decision == ContextPlanReview.Decision.CONTINUE:
            if data.next_review_on is None:
                problems["next_review_on"] = "Enter the date of the next review, for example 14 3 2027"
            elif data.held_on and data.next_review_on <= data.held_on:
                problems["next_review_on"] = "The next review must be after this one"
        if problems or data.held_on is None:
            raise ValidationError(problems)
        closing = data.decision == ContextPlanReview.Decision.CLOSE
        review = ContextPlanReview.objects.create(
            plan=locked,
            reviewed_version=locked.version,
            held_on=data.held_on,
            attendees=data.attendees.strip(),
            progress=data.progress.strip(),
            safer=data.safer,
            decision=data.decision,
            next_review_on=None if closing else data.next_review_on,
            recorded_by_label=label(by),
            recorded_at=timezone.now(),
        )
        if closing:
            locked.status = ContextPlan.Status.CLOSED
        elif data.next_review_on is not None:
            locked.review_on = data.next_review_on
        locked.save(update_fields=["status", "review_on"])
        audit.record(
            actor(by),
            audit.Event(
                A.CREATE, "network_context_review", str(review.pk), detail={"decision": data.decision}
            ),
        )
    return review


def default_review_on(held_on: date) -> date:
    return clocks.add_calendar_months(held_on, CONTEXT_REVIEW_MONTHS)
