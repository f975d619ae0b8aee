from __future__ import annotations

import random

import pytest

from mace.demo.generate import generate
from mace.demo.mess import variant_record
from mace.people import linkage
from mace.people.models import Identifier, Person

pytestmark = pytest.mark.django_db


def test_blocking_finds_the_true_child_for_messy_variants() -> None:
    generate(children=600, seed=21)
    rng = random.Random(5)
    children = list(
        Person.objects.filter(kind="child").values_list(
            "pk", "partnership_id", "given_names", "family_name", "date_of_birth"
        )
    )
    nhs = dict(Identifier.objects.filter(scheme="nhs").values_list("person_id", "value"))
    found = 0
    for pk, partnership_id, given, family, dob in rng.sample(children, 300):
        v = variant_record(
            rng, given_names=given, family_name=family, date_of_birth=dob, nhs_number=nhs.get(pk)
        )
        subject = {
            k: (x.isoformat() if hasattr(x, "isoformat") else x)
            for k, x in v.items()
            if k in ("given_names", "family_name", "date_of_birth", "nhs_number") and x
        }
        found += pk in linkage.candidate_ids(linkage.subject_record(subject), partnership_id)
    assert found / 300 >= 0.97, found


def test_a_matched_contact_never_links_across_partnerships() -> None:
    generate(children=200, seed=22)
    child = Person.objects.filter(kind="child").first()
    assert child is not None
    other = (
        Person.objects.exclude(partnership=child.partnership).values_list("partnership_id", flat=True).first()
    )
    subject = {
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
    }
    assert child.pk not in linkage.candidate_ids(linkage.subject_record(subject), other)


def _keys(partnership_id: int = 1, **subject: str) -> set[str]:
    return set(linkage.block_keys(linkage.subject_record(subject), partnership_id))


def test_records_that_can_be_candidates_for_each_other_share_a_lock_key() -> None:
    """Concurrent intake serialises on these keys, so each blocking route must share one."""
    named = _keys(given_names="Kayden", family_name="Moss", date_of_birth="2011-03-27")
    assert named & _keys(family_name="MOSS", given_names="Kay")  # family name and given prefix
    assert named & _keys(given_names="Jay", date_of_birth="2011-03-27")  # date of birth
    assert _keys(date_of_birth="2011-03-04") & _keys(date_of_birth="2011-04-03")  # day and month swapped
    assert _keys(nhs_number="943 476 5919") & _keys(nhs_number="9434765919", family_name="Moss")


def test_lock_keys_are_per_partnership() -> None:
    assert not _keys(1, family_name="Moss") & _keys(2, family_name="Moss")
