"""Finding the person an incoming record is about: blocking (cheap indexed look-ups for candidates)
then scoring each candidate with `people.matching`. A system service: it reads across the partnership
without a user's relationships, and its results are shown only to front door workers, logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q

from .identifiers import normalise_nhs_number, normalise_postcode
from .keys import name_key
from .matching import MatchDecision, Record, decide
from .models import Address, Identifier, Person

MAX_CANDIDATES = 200
# Auto-link only when near certain; send anything plausible to a person. A missed duplicate splits a
# child's history, which a worker can see and fix; a wrong link mixes two children's, which is worse.
MATCH_THRESHOLD = 0.995
REVIEW_THRESHOLD = 0.05
SCHEMES = {"nhs_number": "nhs", "police_id": "police", "la_child_id": "la_child", "upn": "upn"}


def subject_record(subject: dict[str, Any]) -> Record:
    """A contact's subject (as received) as a matching record."""
    dob = subject.get("date_of_birth")
    if isinstance(dob, str) and dob:
        try:
            dob = date.fromisoformat(dob)
        except ValueError:
            dob = None
    return Record(
        given_names=str(subject.get("given_names") or ""),
        family_name=str(subject.get("family_name") or ""),
        date_of_birth=dob or None,
        sex=subject.get("sex") or None,
        nhs_number=subject.get("nhs_number") or None,
        police_id=subject.get("police_id") or None,
        la_child_id=subject.get("la_child_id") or None,
        upn=subject.get("upn") or None,
        postcode=subject.get("postcode") or None,
    )


def person_record(person: Person) -> Record:
    ids = {i.scheme: i.value for i in person.identifiers.all()}
    addresses = list(person.addresses.all())
    return Record(
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nhs_number=ids.get("nhs"),
        police_id=ids.get("police"),
        la_child_id=ids.get("la_child"),
        upn=ids.get("upn"),
        postcode=addresses[0].postcode if addresses else None,
        other_names=tuple((n.given_names, n.family_name) for n in person.names.all()),
    )


def _identifier_values(record: Record) -> list[tuple[str, str]]:
    values = []
    for field, scheme in SCHEMES.items():
        value = getattr(record, field)
        if not value:
            continue
        if scheme == "nhs":
            try:
                value = normalise_nhs_number(value)
            except ValueError:
                continue
        values.append((scheme, str(value).replace(" ", "").upper()))
    return values


def candidate_ids(record: Record, partnership_id: int) -> list[int]:
    """Blocking: people sharing an identifier, a date of birth (or its day-month swap), or a family name."""
    ids: set[int] = set()
    for scheme, value in _identifier_values(record):
        ids.update(
            Identifier.objects.filter(scheme=scheme, value=value).values_list("person_id", flat=True)[:50]
        )
    people = Person.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)
    dob = record.date_of_birth
    family = name_key(record.family_name)
    blocks = Q()
    if dob:
        blocks |= Q(date_of_birth=dob)
        if dob.day <= 12 and dob.day != dob.month:
            blocks |= Q(date_of_birth=date(dob.year, dob.day, dob.month))
    if family:
        blocks |= Q(family_key=family)
        if dob:
            blocks |= Q(family_key__gte=family[:3], family_key__lte=family[:3] + "z" * 147) & Q(
                date_of_birth__year__in=[dob.year - 1, dob.year, dob.year + 1]
            )
        ids.update(people.filter(names__family_key=family).values_list("pk", flat=True)[:MAX_CANDIDATES])
    if blocks:
        ids.update(people.filter(blocks).values_list("pk", flat=True)[:MAX_CANDIDATES])
    return sorted(ids)[:MAX_CANDIDATES]


@dataclass(frozen=True)
class Match:
    decision: MatchDecision
    candidates: list[Person]

    @property
    def person(self) -> Person | None:
        if self.decision.status == "matched" and self.decision.best_index is not None:
            return self.candidates[self.decision.best_index]
        return None


def load_candidates(ids: Iterable[int]) -> list[Person]:
    return list(
        Person.objects.filter(pk__in=list(ids), archived_at__isnull=True)
        .prefetch_related(
            "identifiers", "names", Prefetch("addresses", queryset=Address.objects.order_by("-from_date"))
        )
        .order_by("pk")
    )


def match_subject(subject: dict[str, Any], partnership_id: int) -> Match:
    record = subject_record(subject)
    candidates = load_candidates(candidate_ids(record, partnership_id))
    decision = decide(
        record,
        [person_record(p) for p in candidates],
        match_threshold=MATCH_THRESHOLD,
        review_threshold=REVIEW_THRESHOLD,
    )
    return Match(decision=decision, candidates=candidates)


def postcode_or_blank(value: str | None) -> str:
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except ValueError:
        return ""
