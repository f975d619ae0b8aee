"""Changing people: typed, keyword-only services. Each validates, writes the chronology and the access
log, and does its work in one transaction. Views and the API only parse and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mace.accounts.actors import By
from mace.accounts.models import Agency, Partnership, User
from mace.core import audit
from mace.core import services as core_services
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry, Notification

from .identifiers import normalise_nhs_number, normalise_postcode, police_id_is_valid, upn_is_valid
from .keys import name_key
from .models import (
    Address,
    BreakGlassGrant,
    ChronologyEvent,
    Flag,
    Identifier,
    Involvement,
    LikelyDuplicate,
    Person,
    PersonMerge,
    PersonName,
    RestrictedAccess,
    Sex,
)

EARLIEST_BIRTH = date(1900, 1, 1)
CHILD_MAX_AGE_YEARS = 25  # care leavers are supported to 25


@dataclass
class NewPerson:
    given_names: str
    family_name: str
    date_of_birth: date | None = None
    kind: str = Person.Kind.CHILD
    sex: str = Sex.OTHER
    ethnicity: str = ""
    preferred_name: str = ""
    nhs_number: str = ""
    police_id: str = ""
    la_child_id: str = ""
    upn: str = ""
    address_line1: str = ""
    town: str = ""
    postcode: str = ""


def validate_new_person(data: NewPerson, *, today: date | None = None) -> dict[str, str]:
    """Every problem at once, keyed by field name, in words a practitioner understands."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    for name, label in (("given_names", "given names"), ("family_name", "family name")):
        value = getattr(data, name).strip()
        if not value:
            errors[name] = f"Enter the person's {label}"
        elif len(value) > 150:
            errors[name] = f"The {label} must be 150 characters or fewer"
    if data.kind not in Person.Kind.values:
        errors["kind"] = "Choose child or adult"
    if data.sex not in Sex.values:
        errors["sex"] = "Choose female, male, or other or not recorded"
    dob = data.date_of_birth
    if dob is not None:
        if dob > today:
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        elif dob < EARLIEST_BIRTH:
            errors["date_of_birth"] = "Date of birth must be after 1 January 1900"
        elif data.kind == Person.Kind.CHILD and (today.year - dob.year) > CHILD_MAX_AGE_YEARS:
            errors["date_of_birth"] = (
                f"A child's date of birth must be within the last {CHILD_MAX_AGE_YEARS} years"
            )
    if data.nhs_number:
        try:
            normalise_nhs_number(data.nhs_number)
        except ValueError as exc:
            errors["nhs_number"] = str(exc)
    if data.police_id and not police_id_is_valid(data.police_id):
        errors["police_id"] = "Enter the police identifier in the form CH-2024-0123456"
    if data.upn and not upn_is_valid(data.upn):
        errors["upn"] = "Enter a valid unique pupil number: 13 characters starting with a check letter"
    if data.la_child_id and (len(data.la_child_id) > 40 or not data.la_child_id.replace("-", "").isalnum()):
        errors["la_child_id"] = "The council child identifier must be letters, numbers and hyphens only"
    if data.postcode:
        try:
            normalise_postcode(data.postcode)
        except ValueError:
            errors["postcode"] = "Enter a real postcode, like CW1 2AB"
    return errors


def chronology_add(
    *,
    person: Person,
    kind: str,
    title: str,
    actor: audit.Actor,
    occurred_at: Any = None,
    agency: Agency | None = None,
    body: str = "",
) -> ChronologyEvent:
    return ChronologyEvent.objects.create(
        person=person,
        kind=kind,
        title=title[:200],
        body=body,
        agency=agency,
        actor_label=actor.label,
        occurred_at=occurred_at or timezone.now(),
    )


def person_create(*, data: NewPerson, partnership: Partnership, by: User) -> Person:
    """Add a person; the creator's team becomes involved so the creator can go on working with them."""
    errors = validate_new_person(data)
    if errors:
        raise ValidationError(errors)
    actor = audit.Actor.of(by)
    if not capabilities(by).create_people:
        raise PermissionError("This role cannot add people.")
    with transaction.atomic():
        person = Person.objects.create(
            partnership=partnership,
            kind=data.kind,
            given_names=data.given_names.strip(),
            family_name=data.family_name.strip(),
            preferred_name=data.preferred_name.strip(),
            date_of_birth=data.date_of_birth,
            sex=data.sex,
            ethnicity=data.ethnicity.strip(),
            family_key=name_key(data.family_name),
            given_key=name_key(data.given_names),
        )
        identifiers = {
            Identifier.Scheme.NHS: normalise_nhs_number(data.nhs_number) if data.nhs_number else "",
            Identifier.Scheme.POLICE: data.police_id.strip().upper(),
            Identifier.Scheme.LA_CHILD: data.la_child_id.strip(),
            Identifier.Scheme.UPN: data.upn.strip().upper(),
        }
        Identifier.objects.bulk_create(
            Identifier(person=person, scheme=scheme, value=value, agency=by.agency)
            for scheme, value in identifiers.items()
            if value
        )
        if data.address_line1 or data.postcode:
            Address.objects.create(
                person=person,
                line1=data.address_line1.strip() or "Address not known",
                town=data.town.strip(),
                postcode=normalise_postcode(data.postcode) if data.postcode else "",
                from_date=timezone.localdate(),
                agency=by.agency,
            )
        if by.team_id:
            Involvement.objects.create(
                person=person,
                team_id=by.team_id,
                worker=by,
                kind=Involvement.Kind.INVOLVED,
                role_description=by.job_title,
                started_at=timezone.now(),
            )
        chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.RECORD,
            title="Record created",
            actor=actor,
            agency=by.agency,
        )
        audit.record(
            actor,
            audit.Event(AccessLogEntry.Action.CREATE, "person", str(person.pk), person.pk),
        )
    return person


def person_from_subject(
    *, subject: dict[str, Any], partnership: Partnership, agency: Agency | None, by: By
) -> Person:
    """A new child from the subject of a contact or a missing report that matched no one on record: the
    names, date of birth, sex, identifiers and address as the sender gave them (already validated by the
    intake). Logged as a creation, like `person_create`."""
    from . import linkage

    actor = core_services.actor(by)
    dob = subject.get("date_of_birth")
    with transaction.atomic():
        person = Person.objects.create(
            partnership=partnership,
            # A name not given is stored empty; the pages say "Not known", the API returns "".
            given_names=str(subject.get("given_names") or "").strip(),
            family_name=str(subject.get("family_name") or "").strip(),
            date_of_birth=date.fromisoformat(dob) if isinstance(dob, str) and dob else None,
            sex=str(subject.get("sex")) if subject.get("sex") in ("F", "M", "X") else "X",
            family_key=name_key(str(subject.get("family_name") or "")),
            given_key=name_key(str(subject.get("given_names") or "")),
        )
        ids = {
            Identifier.Scheme.NHS: normalise_nhs_number(subject["nhs_number"])
            if subject.get("nhs_number")
            else "",
            Identifier.Scheme.POLICE: str(subject.get("police_id") or "").strip().upper(),
            Identifier.Scheme.LA_CHILD: str(subject.get("la_child_id") or "").strip().upper(),
            Identifier.Scheme.UPN: str(subject.get("upn") or "").strip().upper(),
        }
        Identifier.objects.bulk_create(
            Identifier(person=person, scheme=k, value=v, agency=agency) for k, v in ids.items() if v
        )
        postcode = linkage.postcode_or_blank(subject.get("postcode"))
        if postcode or subject.get("address"):
            person.addresses.create(
                line1=str(subject.get("address") or "Address not known")[:200],
                postcode=postcode,
                from_date=timezone.localdate(),
                agency=agency,
            )
        audit.record_change(actor, AccessLogEntry.Action.CREATE, person, detail={"from": "subject"})
    return person


def flag_set(*, person: Person, kind: str, reason: str, by: User, review_due: date | None = None) -> Flag:
    if kind not in Flag.Kind.values:
        raise ValidationError({"kind": "Choose a flag"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the flag is being set"})
    if not capabilities(by).set_flags:
        raise PermissionError("This role cannot set flags.")
    actor = audit.Actor.of(by)
    with transaction.atomic():
        flag = Flag.objects.create(
            person=person,
            kind=kind,
            reason=reason.strip(),
            set_by=by,
            set_by_label=actor.label,
            agency=by.agency,
            set_at=timezone.now(),
            review_due=review_due or (timezone.localdate() + timedelta(days=90)),
        )
        if kind == Flag.Kind.RESTRICTED:
            Person.objects.filter(pk=person.pk).update(restricted=True)
            RestrictedAccess.objects.get_or_create(
                person=person,
                user=by,
                defaults={"granted_by_label": actor.label, "granted_at": timezone.now(), "reason": reason},
            )
        chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.FLAG,
            title=f"Flag set: {flag.get_kind_display()}",
            body=reason,
            actor=actor,
            agency=by.agency,
        )
        audit.record(
            actor,
            audit.Event(AccessLogEntry.Action.UPDATE, "flag", str(flag.pk), person.pk, detail={"set": kind}),
        )
    return flag


def flag_set_from_check(
    *,
    person: Person,
    kind: str,
    reason: str,
    check: str,
    agency: Agency,
    recorded_by: Any,
    by: By,
    detail: dict[str, Any],
) -> Flag | None:
    """A flag set on the authority of a check of a national system (CP-IS in the emergency department),
    not of the person who ran it: no `set_flags` capability is needed, and a flag of the same kind that is
    still live is not set again (None). Reviewed in 90 days like any flag."""
    if kind not in Flag.Kind.values:
        raise ValidationError({"kind": "Choose a flag"})
    actor = core_services.actor(by)
    with transaction.atomic():
        if Flag.objects.filter(person=person, kind=kind, removed_at__isnull=True).exists():
            return None
        now = timezone.now()
        flag = Flag.objects.create(
            person=person,
            kind=kind,
            reason=reason,
            set_by=recorded_by,
            set_by_label=f"{actor.label} ({check})",
            agency=agency,
            set_at=now,
            review_due=timezone.localdate(now) + timedelta(days=90),
        )
        chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.FLAG,
            title=f"Flag set: {flag.get_kind_display()}",
            body=flag.reason,
            actor=actor,
            agency=agency,
        )
        audit.record_change(actor, AccessLogEntry.Action.CREATE, flag, detail=detail)
    return flag


def flag_remove(*, flag: Flag, reason: str, by: User) -> Flag:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the flag is being removed"})
    actor = audit.Actor.of(by)
    with transaction.atomic():
        flag.removed_at = timezone.now()
        flag.removed_by_label = actor.label
        flag.removed_reason = reason.strip()
        flag.save(update_fields=["removed_at", "removed_by_label", "removed_reason"])
        chronology_add(
            person=flag.person,
            kind=ChronologyEvent.Kind.FLAG,
            title=f"Flag removed: {flag.get_kind_display()}",
            body=reason,
            actor=actor,
            agency=by.agency,
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "flag",
                str(flag.pk),
                flag.person_id,
                detail={"removed": flag.kind},
            ),
        )
    return flag


def restricted_name_user(*, person: Person, user: Any, reason: str, by: User) -> RestrictedAccess:
    actor = audit.Actor.of(by)
    with transaction.atomic():
        access, _ = RestrictedAccess.objects.get_or_create(
            person=person,
            user=user,
            defaults={"granted_by_label": actor.label, "granted_at": timezone.now(), "reason": reason},
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE, "restricted_access", str(access.pk), person.pk, reason=reason
            ),
        )
    return access


def involvement_start(
    *, person: Person, team: Any, kind: str, by: By, worker: Any = None, role_description: str = ""
) -> Involvement:
    actor = core_services.actor(by)
    with transaction.atomic():
        involvement = Involvement.objects.create(
            person=person,
            team=team,
            worker=worker,
            kind=kind,
            role_description=role_description,
            started_at=timezone.now(),
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "involvement",
                str(involvement.pk),
                person.pk,
                detail={"kind": kind},
            ),
        )
    return involvement


def involvement_ensure(
    *, person: Person, team: Any, kind: str, by: By, worker: Any = None, role_description: str = ""
) -> Involvement | None:
    """Start the team's involvement with the child unless the team already has an open one: how another
    module makes a team able to open a record (logged, as `involvement_start` logs it)."""
    if team is None:
        return None
    if Involvement.objects.filter(person=person, team=team, ended_at__isnull=True).exists():
        return None
    return involvement_start(
        person=person, team=team, kind=kind, by=by, worker=worker, role_description=role_description
    )


def involvements_start_many(*, involvements: list[Involvement], by: By) -> list[Involvement]:
    """Start many involvements at once (generators and imports): one bulk insert, each one logged as
    `involvement_start` logs it. The instances come unsaved, with their start time set."""
    actor = core_services.actor(by)
    with transaction.atomic():
        created = Involvement.objects.bulk_create(involvements, batch_size=1000)
        audit.record_many(
            actor,
            [
                audit.Event(
                    AccessLogEntry.Action.UPDATE,
                    "involvement",
                    str(i.pk),
                    i.person_id,
                    detail={"kind": i.kind},
                )
                for i in created
            ],
        )
    return created


def involvement_end(*, involvement: Involvement, reason: str, by: By) -> Involvement:
    actor = core_services.actor(by)
    with transaction.atomic():
        involvement.ended_at = timezone.now()
        involvement.ended_reason = reason
        involvement.save(update_fields=["ended_at", "ended_reason"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE, "involvement", str(involvement.pk), involvement.person_id
            ),
        )
    return involvement


def break_glass_open(*, user: Any, person_id: int, reason: str) -> BreakGlassGrant:
    """Open a record without a relationship. Time-limited, logged, and the reviewers are alerted.

    Restricted records never open this way, and a missing record fails like a restricted one."""
    from mace.accounts.selectors import break_glass_reviewers

    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": "Give the reason you need to see this record (at least 10 characters)"}
        )
    if not capabilities(user).break_glass:
        raise PermissionError("This role cannot use break-glass access.")
    actor = audit.Actor.of(user)
    person = Person.objects.filter(pk=person_id, archived_at__isnull=True, restricted=False).first()
    if person is None or (
        user.agency and not user.agency.partnerships.filter(pk=person.partnership_id).exists()
    ):
        with transaction.atomic():
            audit.record(
                actor,
                audit.Event(
                    AccessLogEntry.Action.DENY,
                    "person",
                    str(person_id),
                    None,
                    reason,
                    {"purpose": "break_glass"},
                ),
            )
        from .selectors import PersonNotFound

        raise PersonNotFound()
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            person=person,
            reason=reason,
            started_at=now,
            expires_at=now + timedelta(hours=settings.MACE_BREAK_GLASS_HOURS),
        )
        Notification.objects.bulk_create(
            Notification(
                user=reviewer,
                title=f"Break-glass access by {user.get_full_name() or user.username}",
                body=f"Record {person.pk}. Reason given: {reason}",
                link=f"/access/break-glass/{grant.pk}/",
            )
            for reviewer in break_glass_reviewers(person.partnership_id)
        )
        chronology_add(
            person=person,
            kind=ChronologyEvent.Kind.ACCESS,
            title="Break-glass access",
            body=f"{user.get_full_name() or user.username}: {reason}",
            actor=actor,
            agency=user.agency,
        )
        audit.record(
            actor,
            audit.Event(AccessLogEntry.Action.BREAK_GLASS, "person", str(person.pk), person.pk, reason),
        )
    return grant


def break_glass_review(*, grant: BreakGlassGrant, outcome: str, note: str, by: User) -> BreakGlassGrant:
    if not capabilities(by).review_break_glass:
        raise PermissionError("This role does not review break-glass access.")
    if outcome not in BreakGlassGrant.Outcome.values:
        raise ValidationError({"outcome": "Choose whether the access was appropriate"})
    if outcome == BreakGlassGrant.Outcome.INAPPROPRIATE and not note.strip():
        raise ValidationError({"note": "Say why the access was not appropriate and what happens next"})
    actor = audit.Actor.of(by)
    with transaction.atomic():
        grant.reviewed_by = by
        grant.reviewed_at = timezone.now()
        grant.outcome = outcome
        grant.review_note = note.strip()
        if outcome == BreakGlassGrant.Outcome.INAPPROPRIATE:
            grant.expires_at = min(grant.expires_at, grant.reviewed_at)
        grant.save()
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "break_glass",
                str(grant.pk),
                grant.person_id,
                note,
                {"outcome": outcome},
            ),
        )
    return grant


def _person_foreign_keys() -> list[tuple[Any, str]]:
    """Every (model, field name) that points at a person, from every module: a merge moves them all."""
    from django.db.models import ForeignKey

    found = []
    for rel in Person._meta.related_objects:
        field = rel.field
        if not isinstance(field, ForeignKey) or rel.related_model in (Person, PersonMerge, LikelyDuplicate):
            continue
        found.append((rel.related_model, field.name))
    return found


def person_merge(*, survivor: Person, merged: Person, reason: str, by: User) -> PersonMerge:
    """Merge a duplicate record into the survivor. Everything moves; nothing is deleted; undo restores it.

    A row that would break a uniqueness rule on the survivor (the same identifier twice) stays where
    it is, and is listed as kept."""
    actor = audit.Actor.of(by)
    if not capabilities(by).front_door:
        raise PermissionError("Only the front door merges records.")
    errors = {}
    if survivor.pk == merged.pk:
        errors["merged"] = "Choose a different record to merge"
    if survivor.restricted or merged.restricted:
        errors["merged"] = "Restricted records are merged only by their named users' administrator"
    if merged.archived_at or survivor.archived_at:
        errors["merged"] = "One of these records is archived or already merged"
    if not reason.strip():
        errors["reason"] = "Say why these records are the same child"
    if errors:
        raise ValidationError(errors)
    moved: dict[str, list[int]] = {}
    kept: dict[str, list[int]] = {}
    now = timezone.now()
    with transaction.atomic():
        for model, field in _person_foreign_keys():
            label = model._meta.label
            for pk in model.objects.filter(**{field: merged}).values_list("pk", flat=True):
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**{field: survivor})
                    moved.setdefault(label, []).append(pk)
                except IntegrityError:
                    kept.setdefault(label, []).append(pk)
        alias = PersonName.objects.create(
            person=survivor,
            kind=PersonName.Kind.ALIAS,
            given_names=merged.given_names,
            family_name=merged.family_name,
            family_key=merged.family_key,
            given_key=merged.given_key,
        )
        Person.objects.filter(pk=merged.pk).update(
            archived_at=now,
            archive_reason=f"Merged into record {survivor.pk}: {reason.strip()}",
            merged_into=survivor,
        )
        # The pair on the merge-review list (if batch de-duplication found it) is done with.
        LikelyDuplicate.objects.filter(
            person_a_id=min(survivor.pk, merged.pk),
            person_b_id=max(survivor.pk, merged.pk),
            status=LikelyDuplicate.Status.OPEN,
        ).update(status=LikelyDuplicate.Status.MERGED, reviewed_at=now, reviewed_by_label=actor.label)
        merge = PersonMerge.objects.create(
            survivor=survivor,
            merged=merged,
            reason=reason.strip(),
            merged_by_label=actor.label,
            merged_at=now,
            moved=moved,
            created={"people.PersonName": [alias.pk], "kept": kept},
        )
        chronology_add(
            person=survivor,
            kind=ChronologyEvent.Kind.RECORD,
            title=f"Record {merged.pk} merged in",
            body=reason,
            actor=actor,
            agency=getattr(by, "agency", None),
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "person_merge",
                str(merge.pk),
                survivor.pk,
                reason,
                {"merged": merged.pk, "moved": {k: len(v) for k, v in moved.items()}},
            ),
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.ARCHIVE,
                "person",
                str(merged.pk),
                merged.pk,
                reason,
                {"merged_into": survivor.pk},
            ),
        )
    return merge


def person_unmerge(*, merge: PersonMerge, reason: str, by: User) -> PersonMerge:
    """Undo a merge: every moved row goes back to the record it came from, which is restored."""
    from django.apps import apps

    actor = audit.Actor.of(by)
    if not capabilities(by).front_door:
        raise PermissionError("Only the front door undoes merges.")
    if merge.undone_at is not None:
        raise ValidationError({"merge": "This merge has already been undone"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the merge was wrong"})
    with transaction.atomic():
        fields = {model._meta.label: field for model, field in _person_foreign_keys()}
        for label, pks in merge.moved.items():
            model = apps.get_model(label)
            model.objects.filter(pk__in=pks).update(**{fields[label]: merge.merged_id})
        PersonName.objects.filter(pk__in=merge.created.get("people.PersonName", [])).delete()
        Person.objects.filter(pk=merge.merged_id).update(
            archived_at=None, archive_reason="", merged_into=None
        )
        merge.undone_at, merge.undone_by_label, merge.undo_reason = (
            timezone.now(),
            actor.label,
            reason.strip(),
        )
        merge.save(update_fields=["undone_at", "undone_by_label", "undo_reason"])
        LikelyDuplicate.objects.filter(
            person_a_id=min(merge.survivor_id, merge.merged_id),
            person_b_id=max(merge.survivor_id, merge.merged_id),
            status=LikelyDuplicate.Status.MERGED,
        ).update(status=LikelyDuplicate.Status.OPEN, reviewed_at=None, reviewed_by_label="")
        for person_id in (merge.survivor_id, merge.merged_id):
            ChronologyEvent.objects.create(
                person_id=person_id,
                occurred_at=timezone.now(),
                kind=ChronologyEvent.Kind.RECORD,
                title=f"Merge of records {merge.merged_id} and {merge.survivor_id} undone",
                body=reason,
                actor_label=actor.label,
            )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "person_merge",
                str(merge.pk),
                merge.survivor_id,
                reason,
                {"undone": True},
            ),
        )
    return merge


def likely_duplicate_dismiss(*, pair: LikelyDuplicate, reason: str, by: User) -> LikelyDuplicate:
    """A front door worker has compared the two records: they are different children. The pair leaves
    the merge-review list for good (a later de-duplication run does not add it again)."""
    actor = audit.Actor.of(by)
    if not capabilities(by).front_door:
        raise PermissionError("Only the front door reviews likely duplicates.")
    if pair.status != LikelyDuplicate.Status.OPEN:
        raise ValidationError({"pair": "This pair has already been reviewed"})
    if not reason.strip():
        raise ValidationError({"reason": "Say how you know these are different children"})
    with transaction.atomic():
        pair.status = LikelyDuplicate.Status.DISMISSED
        pair.reviewed_at = timezone.now()
        pair.reviewed_by_label = actor.label
        pair.save(update_fields=["status", "reviewed_at", "reviewed_by_label"])
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE,
                "likely_duplicate",
                f"{pair.person_a_id}-{pair.person_b_id}",
                pair.person_a_id,
                reason.strip(),
                {"other": pair.person_b_id, "status": "dismissed"},
            ),
        )
    return pair
