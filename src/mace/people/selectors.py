"""Reading people: every query takes the user and is scoped by the access policy.

Views never touch `Person.objects`: they call these selectors, which decide visibility from
the user's relationships (an open involvement of their team, a restricted record's named users,
or a live break-glass grant), and write the access log in the same transaction as the read.
Forbidden and missing look the same to the caller: `PersonNotFound`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mace.accounts.selectors import figure_partnership_ids
from mace.core import audit, disclosure
from mace.core.access import capabilities, names_allowed
from mace.core.models import AccessLogEntry

from .identifiers import nhs_number_is_valid
from .keys import name_key
from .models import (
    BreakGlassGrant,
    ChronologyEvent,
    Flag,
    Identifier,
    Involvement,
    Person,
    PersonName,
    RestrictedAccess,
)

SEARCH_LIMIT = 50
CHRONOLOGY_PAGE = 50


class PersonNotFound(Exception):
    """No such record, or no right to see it: deliberately indistinguishable."""


def visible_to(user: Any) -> QuerySet[Person]:
    """Every person this user may open now. The single-record rule and every list use this.

    Written as `id IN (…)` over the small sets a user has (their team's open involvements, their live
    break-glass grants, the sealed records naming them), so the database drives from those sets and
    from indexes, not from a scan of every person."""
    caps = capabilities(user)
    if not caps.records:
        return Person.objects.none()
    relationship = Q(pk__in=[])
    if user.team_id:
        relationship |= Q(
            pk__in=Involvement.objects.filter(team_id=user.team_id, ended_at__isnull=True).values("person_id")
        )
    if caps.break_glass:
        relationship |= Q(
            pk__in=BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values(
                "person_id"
            )
        )
    named = RestrictedAccess.objects.filter(user_id=user.pk).values("person_id")
    return Person.objects.filter(archived_at__isnull=True).filter(
        (Q(restricted=False) & relationship) | (Q(restricted=True) & Q(pk__in=named))
    )


def openable(user: Any, person_ids: Iterable[int | None]) -> set[int]:
    """Which of these people's records this user may open now: a page links only those, and shows
    the others as text (a link that answers "Record not available" promises what is not there)."""
    ids = {pk for pk in person_ids if pk}
    if not ids:
        return set()
    return set(visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def relationship_of(user: Any, person: Person) -> str | None:
    """Why this user may see this person: the relationship class, or None."""
    caps = capabilities(user)
    if not caps.records or person.archived_at is not None:
        return None
    if person.restricted:
        return "named" if RestrictedAccess.objects.filter(person=person, user_id=user.pk).exists() else None
    if user.team_id:
        kinds = set(
            Involvement.objects.filter(
                person=person, team_id=user.team_id, ended_at__isnull=True
            ).values_list("kind", flat=True)
        )
        for kind in (Involvement.Kind.ALLOCATED, Involvement.Kind.INVOLVED, Involvement.Kind.FRONT_DOOR):
            if kind in kinds:
                return str(kind)
    if caps.break_glass and live_break_glass(user, person.pk) is not None:
        return "break_glass"
    return None


def live_break_glass(user: Any, person_id: int) -> BreakGlassGrant | None:
    return (
        BreakGlassGrant.objects.filter(user_id=user.pk, person_id=person_id, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def _deny(user: Any, person_id: Any, purpose: str) -> PersonNotFound:
    with transaction.atomic():
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                action=AccessLogEntry.Action.DENY,
                object_type="person",
                object_id=str(person_id),
                person_id=person_id if isinstance(person_id, int) else None,
                detail={"purpose": purpose},
            ),
        )
    return PersonNotFound()


def person_for_user(user: Any, person_id: int, *, purpose: str = "view") -> tuple[Person, str]:
    """Fetch one person for this user, logging the read (or the denial). Returns (person, relationship).

    Call it outside any enclosing transaction: a denial is committed on its own, so that rolling
    back the caller's work cannot erase the record of the attempt."""
    person = Person.objects.select_related("partnership").filter(pk=person_id).first()
    relationship = relationship_of(user, person) if person is not None else None
    if person is None or relationship is None:
        raise _deny(user, person_id, purpose)
    reason = ""
    if relationship == "break_glass":
        grant = live_break_glass(user, person.pk)
        reason = grant.reason if grant else ""
    audit.record(
        audit.Actor.of(user),
        audit.Event(
            # Opening a record to act on it is still a read; the write is logged by the service that does it.
            action=AccessLogEntry.Action.VIEW,
            object_type="person",
            object_id=str(person.pk),
            person_id=person.pk,
            reason=reason,
            detail={"relationship": relationship, "purpose": purpose},
        ),
    )
    return person, relationship


@dataclass
class PersonRecord:
    person: Person
    relationship: str
    names: list[PersonName]
    identifiers: list[Identifier]
    addresses: list[Any]
    flags: list[Flag]
    involvements: list[Involvement]
    source_records: list[Any]
    chronology: list[ChronologyEvent]
    chronology_agencies: list[tuple[int, str]]
    can_see_access_log: bool
    filters: dict[str, str] = field(default_factory=dict)


def person_record(user: Any, person_id: int, *, agency: str = "", kind: str = "") -> PersonRecord:
    """Everything the child's record page shows, in a fixed number of queries whatever the data size."""
    person, relationship = person_for_user(user, person_id)
    involvements = list(
        Involvement.objects.filter(person=person, ended_at__isnull=True)
        .select_related("team__agency", "worker")
        .order_by("kind", "team__agency__name")
    )
    events = ChronologyEvent.objects.filter(person=person).select_related("agency")
    if agency.isdigit():
        events = events.filter(agency_id=int(agency))
    if kind in ChronologyEvent.Kind.values:
        events = events.filter(kind=kind)
    agencies = list(
        ChronologyEvent.objects.filter(person=person, agency__isnull=False)
        .values_list("agency_id", "agency__name")
        .distinct()
        .order_by("agency__name")
    )
    return PersonRecord(
        person=person,
        relationship=relationship,
        names=list(person.names.select_related("agency")),
        identifiers=list(person.identifiers.select_related("agency").order_by("scheme")),
        addresses=list(person.addresses.all()[:10]),
        flags=list(person.flags.filter(removed_at__isnull=True).select_related("agency").order_by("kind")),
        involvements=involvements,
        source_records=list(person.source_records.select_related("agency").order_by("agency__name")),
        chronology=list(events.order_by("-occurred_at", "-id")[:CHRONOLOGY_PAGE]),
        chronology_agencies=agencies,
        can_see_access_log=_can_see_access_log(user, relationship, involvements),
        filters={"agency": agency, "kind": kind},
    )


def _can_see_access_log(user: Any, relationship: str, involvements: list[Involvement]) -> bool:
    """The CP-IS model: the allocated worker (and their team) can see every access to the child."""
    if capabilities(user).review_break_glass:
        return True
    return any(i.kind == Involvement.Kind.ALLOCATED and i.team_id == user.team_id for i in involvements)


def access_log_for_person(
    user: Any, person_id: int, *, limit: int = 500
) -> tuple[Person, list[AccessLogEntry]]:
    person, relationship = person_for_user(user, person_id, purpose="view")
    involvements = list(Involvement.objects.filter(person=person, ended_at__isnull=True))
    if not _can_see_access_log(user, relationship, involvements):
        raise _deny(user, person_id, "access-log")
    entries = list(
        AccessLogEntry.objects.filter(person_id=person.pk).select_related("actor").order_by("-id")[:limit]
    )
    return person, entries


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _prefix(field: str, key: str) -> Q:
    """`startswith` as a range, so that both databases use the index (keys are only a to z)."""
    return Q(**{f"{field}__gte": key, f"{field}__lte": key + "z" * (150 - len(key))})


def search_filter(q: str) -> Q | None:
    """Turn a search box into a filter: an identifier, a date of birth, names, or a mix."""
    terms = [t for t in re.split(r"\s+", q.strip()) if t]
    if not terms:
        return None
    digits = re.sub(r"[\s-]", "", q)
    if digits.isdigit() and len(digits) == 10 and nhs_number_is_valid(digits):
        return Q(pk__in=Identifier.objects.filter(scheme="nhs", value=digits).values("person_id"))
    condition = Q()
    names: list[str] = []
    for term in terms:
        born = _parse_date(term)
        if born is not None:
            condition &= Q(date_of_birth=born)
        elif any(ch.isdigit() for ch in term):
            # Naming every scheme lets the (scheme, value) index serve the look-up instead of a scan.
            ids = Identifier.objects.filter(scheme__in=Identifier.Scheme.values, value=term.upper())
            condition &= Q(pk__in=ids.values("person_id"))
        elif name_key(term):
            names.append(name_key(term))
    if names:
        family, given = names[-1], names[:-1]
        main = _prefix("family_key", family)
        alias = PersonName.objects.filter(_prefix("family_key", family))
        if given:
            main &= _prefix("given_key", given[0])
            alias = alias.filter(_prefix("given_key", given[0]))
            # People type "Smith John" as often as "John Smith".
            main |= _prefix("family_key", given[0]) & _prefix("given_key", family)
        elif len(names) == 1:
            main |= _prefix("given_key", family)
        condition &= main | Q(pk__in=alias.values("person_id"))
    return condition


def search_people(user: Any, q: str, *, limit: int = SEARCH_LIMIT) -> tuple[list[Person], bool]:
    """Search within what this user may see; the search itself is logged with what it showed."""
    condition = search_filter(q)
    with transaction.atomic():
        results: list[Person] = []
        if condition is not None:
            results = list(
                visible_to(user)
                .filter(condition)
                .select_related("partnership")
                .order_by("family_key", "given_key", "id")[: limit + 1]
            )
        more = len(results) > limit
        results = results[:limit]
        audit.record(
            audit.Actor.of(user),
            audit.Event(
                action=AccessLogEntry.Action.SEARCH,
                object_type="person",
                detail={"q": q[:200], "results": [p.pk for p in results], "more": more},
            ),
        )
        return results, more


def flags_by_person(people: list[Person]) -> dict[int, list[Flag]]:
    out: dict[int, list[Flag]] = {p.pk: [] for p in people}
    for flag in Flag.objects.filter(person__in=people, removed_at__isnull=True).order_by("kind"):
        out[flag.person_id].append(flag)
    return out


def break_glass_queue(user: Any, *, include_reviewed: bool = False) -> QuerySet[BreakGlassGrant]:
    if not capabilities(user).review_break_glass:
        return BreakGlassGrant.objects.none()
    qs = BreakGlassGrant.objects.select_related("user__agency", "person").order_by("-started_at")
    if not include_reviewed:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs


def my_caseload(user: Any, limit: int = 100) -> list[Involvement]:
    """The children this user's team works with, the user's own first. Scoped like every list."""
    if not user.team_id:
        return []
    return list(
        Involvement.objects.filter(
            team_id=user.team_id,
            ended_at__isnull=True,
            person__in=visible_to(user),
        )
        .select_related("person", "worker")
        .order_by("-started_at")[:limit]
    )


@dataclass
class PartnershipFigures:
    children: int
    flagged: dict[str, int]
    break_glass_unreviewed: int
    suppress: bool = False  # counts of 1 to 4 read "fewer than 5" (a reader who may not see names)

    def n(self, value: int) -> str:
        return disclosure.count_str(value, suppress=self.suppress)


def partnership_figures(user: Any) -> PartnershipFigures | None:
    """Aggregates only: counts, never names. For analysts, executives and managers."""
    if not capabilities(user).aggregates:
        return None
    people = Person.objects.filter(
        archived_at__isnull=True, kind=Person.Kind.CHILD, partnership_id__in=figure_partnership_ids(user)
    )
    flags = Flag.objects.filter(removed_at__isnull=True, person__in=people)
    counts = {kind: 0 for kind in Flag.Kind.values}
    for row in flags.values("kind").annotate(n=models.Count("person_id", distinct=True)):
        counts[row["kind"]] = row["n"]
    return PartnershipFigures(
        children=people.count(),
        flagged={Flag.Kind(k).label: v for k, v in counts.items()},
        break_glass_unreviewed=BreakGlassGrant.objects.filter(
            reviewed_at__isnull=True, person__in=people
        ).count(),
        suppress=not names_allowed(user),
    )


def merges_into(person: Person) -> list[Any]:
    from .models import PersonMerge

    return list(PersonMerge.objects.filter(survivor=person).order_by("-merged_at")[:20])


def merge_for_user(user: Any, merge_id: int) -> Any:
    """A merge the user may undo: front door, and able to open the surviving record."""
    from .models import PersonMerge

    merge = PersonMerge.objects.select_related("survivor", "merged").filter(pk=merge_id).first()
    if merge is None or not capabilities(user).front_door:
        raise PersonNotFound()
    person_for_user(user, merge.survivor_id, purpose="merge")
    return merge


def merge_comparison(survivor: Person, other: Person) -> Any:
    from .linkage import load_records
    from .matching import compare

    records = load_records([survivor.pk, other.pk])
    return compare(records[survivor.pk], records[other.pk]) if len(records) == 2 else None


# Statutory returns -------------------------------------------------------------------------------------
# The exports module reads a partnership's children in bulk, without names: an export is made for the
# partnership (its access is checked and logged by the export), not for one reader's relationships.


@dataclass(frozen=True)
class ReturnPerson:
    id: int
    date_of_birth: date | None
    sex: str
    ethnicity: str
    identifiers: dict[str, str]  # scheme -> value (the first recorded, the council's where several)


def people_for_returns(partnership_id: int, person_ids: Iterable[int] | None = None) -> list[ReturnPerson]:
    """The partnership's children (not archived, not merged away), with their identifiers, no names."""
    qs = Person.objects.filter(
        partnership_id=partnership_id,
        kind=Person.Kind.CHILD,
        archived_at__isnull=True,
        merged_into__isnull=True,
    )
    if person_ids is not None:
        qs = qs.filter(pk__in=list(person_ids))
    people = {
        pk: ReturnPerson(pk, dob, sex, ethnicity, {})
        for pk, dob, sex, ethnicity in qs.order_by("pk").values_list(
            "pk", "date_of_birth", "sex", "ethnicity"
        )
    }
    ids = Identifier.objects.filter(person__in=qs).order_by("pk").values_list("person_id", "scheme", "value")
    for person_id, scheme, value in ids.iterator(chunk_size=5000):
        found = people.get(person_id)
        if found is not None and scheme not in found.identifiers:
            found.identifiers[scheme] = value
    return list(people.values())


# Batch de-duplication ----------------------------------------------------------------------------------

DUPLICATES_PAGE = 100


def likely_duplicates(user: Any, *, limit: int = DUPLICATES_PAGE) -> tuple[list[Any], int]:
    """The merge-review list: open likely duplicates in the front door user's partnerships, most likely
    first, with the number open in all. Logged with the records it shows (their names are on the page)."""
    from .models import LikelyDuplicate

    if not capabilities(user).front_door or not user.agency_id:
        return [], 0
    partnerships = list(user.agency.partnerships.values_list("pk", flat=True))
    open_pairs = LikelyDuplicate.objects.filter(
        partnership_id__in=partnerships,
        status=LikelyDuplicate.Status.OPEN,
        person_a__archived_at__isnull=True,
        person_b__archived_at__isnull=True,
    )
    pairs = list(
        open_pairs.select_related("person_a", "person_b").order_by("-mace_probability", "pk")[:limit]
    )
    audit.record(
        audit.Actor.of(user),
        audit.Event(
            action=AccessLogEntry.Action.VIEW,
            object_type="likely_duplicates",
            detail={"pairs": [[p.person_a_id, p.person_b_id] for p in pairs]},
        ),
    )
    return pairs, open_pairs.count()


def likely_duplicate_for_user(user: Any, pair_id: int) -> Any:
    """One open pair the front door user may act on, or None."""
    from .models import LikelyDuplicate

    if not capabilities(user).front_door or not user.agency_id:
        return None
    return (
        LikelyDuplicate.objects.filter(
            pk=pair_id, partnership_id__in=user.agency.partnerships.values_list("pk", flat=True)
        )
        .select_related("person_a", "person_b")
        .first()
    )
