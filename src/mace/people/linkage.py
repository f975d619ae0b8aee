"""Finding the person an incoming record is about: blocking (cheap indexed look-ups for candidates)
then scoring each candidate with `people.matching`. A system service: it reads across the partnership
without a user's relationships, and its results are shown only to front door workers, logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from mace.core import locks

from .identifiers import normalise_nhs_number, normalise_postcode
from .keys import name_key
from .matching import MatchDecision, Record, decide
from .models import Person

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


def _prefix_range(key: str) -> tuple[str, str]:
    return key, key + "z" * (150 - len(key))


# The blocks' SQL: table names and limits are constants; every value is a query parameter.
# The limits are MAX_CANDIDATES (200).
_LIVE = "SELECT id FROM people_person WHERE archived_at IS NULL AND {} LIMIT 200"
_BY_IDENTIFIER = "SELECT person_id AS id FROM people_identifier WHERE scheme = %s AND value = %s LIMIT 50"
_BY_ALIAS = (
    "SELECT n.person_id AS id FROM people_personname n JOIN people_person p ON p.id = n.person_id "
    "WHERE p.archived_at IS NULL AND n.family_key = %s{} LIMIT 200"
)
_CANDIDATES = (
    "SELECT p.id FROM people_person p WHERE p.id IN ({}) AND p.partnership_id = %s ORDER BY p.id LIMIT 200"
)


def _union(blocks: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Blocks as one statement: each member is its own indexed look-up with its own limit (one query
    ORing them all would be a table scan); the database unions them in one round trip."""
    parts, params = [], []
    for i, (sql, values) in enumerate(blocks):
        parts.append(f"SELECT b{i}.id FROM ({sql}) b{i}")  # noqa: S608 (constants; values are parameters)
        params.extend(values)
    return " UNION ".join(parts), params


def candidate_ids(record: Record, partnership_id: int) -> list[int]:
    """Blocking: cheap, indexed look-ups that any true match almost certainly shares with the subject.

    Shared identifier; same date of birth (or day and month swapped); same family name and year of
    birth; same family name and given name starting alike; an alias with the family name and the
    given name's initial. Each block is narrow, so common names do not flood the scorer. All the
    blocks go to the database as one statement (a UNION of indexed look-ups), built without the ORM:
    the profile of intake put the ORM's query building above the database's own time."""
    blocks: list[tuple[str, list[Any]]] = [
        (_BY_IDENTIFIER, [scheme, value]) for scheme, value in _identifier_values(record)
    ]
    dob = record.date_of_birth
    family = name_key(record.family_name)
    given = name_key(record.given_names.split()[0]) if record.given_names.split() else ""
    if dob:
        blocks.append((_LIVE.format("date_of_birth = %s"), [dob]))
        if dob.day <= 12 and dob.day != dob.month:
            blocks.append((_LIVE.format("date_of_birth = %s"), [date(dob.year, dob.day, dob.month)]))
    if family:
        if dob:
            year = [date(dob.year, 1, 1), date(dob.year, 12, 31)]
            blocks.append(
                (
                    _LIVE.format("family_key = %s AND date_of_birth >= %s AND date_of_birth <= %s"),
                    [family, *year],
                )
            )
        if given:
            blocks.append(
                (
                    _LIVE.format("family_key = %s AND given_key >= %s AND given_key <= %s"),
                    [family, *_prefix_range(given[:2])],
                )
            )
            blocks.append(
                (
                    _BY_ALIAS.format(" AND n.given_key >= %s AND n.given_key <= %s"),
                    [family, *_prefix_range(given[:1])],
                )
            )
        else:
            blocks.append((_BY_ALIAS.format(""), [family]))
    if not blocks:
        return []
    union, params = _union(blocks)
    # The partnership is checked on the union, not in each block: filtering on it there would tempt
    # the planner into scanning the partnership instead of using the name and birth-date indexes.
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES.format(union), [*params, partnership_id])
        return [row[0] for row in cursor.fetchall()]


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


def _rows(sql: str, ids: list[int]) -> list[tuple[Any, ...]]:
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql.format(marks), ids)
        return cursor.fetchall()


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))  # SQLite returns the stored text to a raw cursor


def load_records(ids: Iterable[int]) -> dict[int, Record]:
    """Matching records for many people in four queries, without the ORM (raw SQL: this runs for
    every contact, and building the queries cost more than running them)."""
    ids = list(ids)
    if not ids:
        return {}
    identifiers: dict[int, dict[str, str]] = {}
    for person_id, scheme, value in _rows(
        "SELECT person_id, scheme, value FROM people_identifier WHERE person_id IN ({})", ids
    ):
        identifiers.setdefault(person_id, {})[scheme] = value
    postcodes: dict[int, str] = {}
    for person_id, postcode in _rows(
        "SELECT person_id, postcode FROM people_address WHERE person_id IN ({}) "
        "ORDER BY person_id, from_date, id",
        ids,
    ):
        postcodes[person_id] = postcode  # the latest address wins
    names: dict[int, list[tuple[str, str]]] = {}
    for person_id, given, family in _rows(
        "SELECT person_id, given_names, family_name FROM people_personname "
        "WHERE person_id IN ({}) ORDER BY id",
        ids,
    ):
        names.setdefault(person_id, []).append((given, family))
    records = {}
    for pk, given, family, dob, sex in _rows(
        "SELECT id, given_names, family_name, date_of_birth, sex FROM people_person "
        "WHERE id IN ({}) AND archived_at IS NULL",
        ids,
    ):
        ids_of = identifiers.get(pk, {})
        records[pk] = Record(
            given_names=given,
            family_name=family,
            date_of_birth=_as_date(dob),
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
