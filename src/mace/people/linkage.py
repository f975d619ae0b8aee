"""Finding the person an incoming record is about: blocking (cheap indexed look-ups for candidates)
then scoring each candidate with `people.matching`. A system service: it reads across the partnership
without a user's relationships, and its results are shown only to front door workers, logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from mace.core import locks

from .identifiers import normalise_nhs_number, normalise_postcode
from .keys import name_key
from .matching import MatchDecision, Record, decide
from .models import Address, Identifier, Person, PersonName

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
        other_names=_other_names(subject.get("other_names")),
    )


def _other_names(value: Any) -> tuple[tuple[str, str], ...]:
    """A subject's other names (a list of {"given_names", "family_name"}) as matching pairs."""
    if not isinstance(value, list):
        return ()
    names = []
    for item in value[:10]:
        if isinstance(item, dict):
            names.append((str(item.get("given_names") or ""), str(item.get("family_name") or "")))
    return tuple(names)


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


def _prefix(field: str, key: str) -> Q:
    return Q(**{f"{field}__gte": key, f"{field}__lte": key + "z" * (150 - len(key))})


def candidate_ids(record: Record, partnership_id: int) -> list[int]:
    """Blocking: cheap, indexed look-ups that any true match almost certainly shares with the subject.

    Shared identifier; same date of birth (or day and month swapped); same family name and year of
    birth; same family name and given name starting alike. Each block is narrow, so common names do
    not flood the scorer."""
    ids: set[int] = set()
    for scheme, value in _identifier_values(record):
        ids.update(
            Identifier.objects.filter(scheme=scheme, value=value).values_list("person_id", flat=True)[:50]
        )
    # The partnership is checked when the candidates are loaded: filtering on it here would tempt the
    # planner into scanning the partnership instead of using the name and birth-date indexes.
    people = Person.objects.filter(archived_at__isnull=True)
    dob = record.date_of_birth
    family = name_key(record.family_name)
    given = name_key(record.given_names.split()[0]) if record.given_names.split() else ""
    blocks: list[Q] = []
    if dob:
        blocks.append(Q(date_of_birth=dob))
        if dob.day <= 12 and dob.day != dob.month:
            blocks.append(Q(date_of_birth=date(dob.year, dob.day, dob.month)))
    year = (
        Q(date_of_birth__gte=date(dob.year, 1, 1), date_of_birth__lte=date(dob.year, 12, 31)) if dob else Q()
    )
    if family:
        if dob:
            blocks.append(Q(family_key=family) & year)
        if given:
            blocks.append(Q(family_key=family) & _prefix("given_key", given[:2]))
        aliases = PersonName.objects.filter(family_key=family)
        if given:
            aliases = aliases.filter(given_key__startswith=given[:1])
        ids.update(
            people.filter(
                pk__in=list(aliases.values_list("person_id", flat=True)[:MAX_CANDIDATES])
            ).values_list("pk", flat=True)
        )
    # One query per block: each is served by an index, where one query ORing them all is a table scan.
    for block in blocks:
        ids.update(people.filter(block).values_list("pk", flat=True)[:MAX_CANDIDATES])
    if ids:
        ids = set(
            Person.objects.filter(pk__in=ids, partnership_id=partnership_id).values_list("pk", flat=True)
        )
    return sorted(ids)[:MAX_CANDIDATES]


def block_keys(record: Record, partnership_id: int) -> list[str]:
    """The lock keys of the blocks `candidate_ids` searches: two records that could be candidates for
    each other share at least one (an identifier, a date of birth either way round, a family name).
    Hold them while matching and creating, and a second record about a new child waits for the first
    to be written, then finds it."""
    keys = [f"id:{scheme}:{value}" for scheme, value in _identifier_values(record)]
    dob = record.date_of_birth
    if dob:
        keys.append(f"dob:{dob.isoformat()}")
        if dob.day <= 12 and dob.day != dob.month:
            keys.append(f"dob:{date(dob.year, dob.day, dob.month).isoformat()}")
    family = name_key(record.family_name)
    if family:
        keys.append(f"family:{family}")
    return [f"person-block:{partnership_id}:{key}" for key in keys]


def match_subject_for_write(subject: dict[str, Any], partnership_id: int) -> Match:
    """Match inside the transaction that will store the result (and create the child if new), holding
    the candidate blocks' locks so that concurrent records about one new child make one record."""
    locks.hold(*block_keys(subject_record(subject), partnership_id))
    return match_subject(subject, partnership_id)


@dataclass(frozen=True)
class Match:
    decision: MatchDecision
    candidate_ids: list[int]
    records: list[Record]

    @property
    def person(self) -> Person | None:
        if self.decision.status == "matched" and self.decision.best_index is not None:
            return Person.objects.get(pk=self.candidate_ids[self.decision.best_index])
        return None


def load_records(ids: Iterable[int]) -> dict[int, Record]:
    """Matching records for many people in four queries, without building model instances."""
    ids = list(ids)
    if not ids:
        return {}
    identifiers: dict[int, dict[str, str]] = {}
    for person_id, scheme, value in Identifier.objects.filter(person_id__in=ids).values_list(
        "person_id", "scheme", "value"
    ):
        identifiers.setdefault(person_id, {})[scheme] = value
    postcodes: dict[int, str] = {}
    for person_id, postcode in (
        Address.objects.filter(person_id__in=ids)
        .order_by("person_id", "from_date")
        .values_list("person_id", "postcode")
    ):
        postcodes[person_id] = postcode  # the latest address wins
    names: dict[int, list[tuple[str, str]]] = {}
    for person_id, given, family in PersonName.objects.filter(person_id__in=ids).values_list(
        "person_id", "given_names", "family_name"
    ):
        names.setdefault(person_id, []).append((given, family))
    records = {}
    rows = Person.objects.filter(pk__in=ids, archived_at__isnull=True).values_list(
        "pk", "given_names", "family_name", "date_of_birth", "sex"
    )
    for pk, given, family, dob, sex in rows:
        ids_of = identifiers.get(pk, {})
        records[pk] = Record(
            given_names=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            nhs_number=ids_of.get("nhs"),
            police_id=ids_of.get("police"),
            la_child_id=ids_of.get("la_child"),
            upn=ids_of.get("upn"),
            postcode=postcodes.get(pk) or None,
            other_names=tuple(names.get(pk, ())),
        )
    return records


def match_subject(subject: dict[str, Any], partnership_id: int) -> Match:
    record = subject_record(subject)
    loaded = load_records(candidate_ids(record, partnership_id))
    ids = sorted(loaded)
    records = [loaded[i] for i in ids]
    decision = decide(
        record,
        records,
        match_threshold=MATCH_THRESHOLD,
        review_threshold=REVIEW_THRESHOLD,
    )
    return Match(decision=decision, candidate_ids=ids, records=records)


def postcode_or_blank(value: str | None) -> str:
    if not value:
        return ""
    try:
        return normalise_postcode(value)
    except ValueError:
        return ""
