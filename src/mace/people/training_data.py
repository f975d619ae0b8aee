"""The register's own records for ``mace linkage train``: every child as the register holds them,
and every source record (how each agency's own system describes a child), labelled with the child
it was filed against. A system read for a batch job run by an administrator; nothing is shown to a
user, so it is not an access to a child's record."""

from __future__ import annotations

from mace.people.linkage import load_records
from mace.people.matching import Record
from mace.people.models import Person, SourceRecord


def register_records(partnership_id: int | None = None) -> tuple[list[int], list[Record]]:
    """(person IDs, matching records) of the children on the register, archived ones left out."""
    people = Person.objects.filter(kind="child", archived_at__isnull=True)
    if partnership_id is not None:
        people = people.filter(partnership_id=partnership_id)
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    loaded: dict[int, Record] = {}
    for start in range(0, len(ids), 2_000):
        loaded.update(load_records(ids[start : start + 2_000]))
    kept = [pk for pk in ids if pk in loaded]
    return kept, [loaded[pk] for pk in kept]


def source_records(person_ids: list[int]) -> tuple[list[int], list[Record]]:
    """(the person each was filed against, matching records) of the agencies' source records."""
    wanted = set(person_ids)
    owners: list[int] = []
    records: list[Record] = []
    rows = SourceRecord.objects.order_by("pk").values_list(
        "person_id", "given_names", "family_name", "date_of_birth", "postcode", "identifiers"
    )
    for person_id, given, family, dob, postcode, identifiers in rows.iterator(chunk_size=5_000):
        if person_id not in wanted:
            continue
        ids = identifiers or {}
        owners.append(person_id)
        records.append(
            Record(
                given_names=given,
                family_name=family,
                date_of_birth=dob,
                nhs_number=ids.get("nhs_number") or None,
                upn=ids.get("upn") or None,
                police_id=ids.get("police_id") or None,
                postcode=postcode or None,
            )
        )
    return owners, records
