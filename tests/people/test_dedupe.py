"""Batch de-duplication of the register (`mace linkage dedupe`): Splink finds the pairs, MACE's scorer
weighs them, the merge-review list holds them; idempotent, resumable, the same on Spark as on DuckDB."""

# shifted-clocks: pinned (every test runs at NOW: the register's ages and the list's times are fixed)

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.accounts.models import Role
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.people import dedupe, services
from mace.people.identifiers import generate_nhs_number
from mace.people.models import Address, Identifier, LikelyDuplicate, Person

from ..conftest import sign_in
from ..factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ACTOR = Actor.system("test-dedupe")


@pytest.fixture(autouse=True)
def _pinned_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def child(
    partnership: Any,
    given: str,
    family: str,
    dob: date | None,
    *,
    postcode: str = "",
    nhs: str | None = None,
    sex: str = "F",
) -> Person:
    person = PersonFactory(
        partnership=partnership, given_names=given, family_name=family, date_of_birth=dob, sex=sex
    )
    if postcode:
        Address.objects.create(
            person=person, line1="1 High Street", postcode=postcode, from_date=date(2020, 1, 1)
        )
    if nhs:
        Identifier.objects.create(person=person, scheme="nhs", value=nhs)
    return person


def pair(a: Person, b: Person) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


@pytest.fixture
def register() -> dict[str, Any]:
    """A small register: three children each recorded twice (messily), twins, and unrelated children."""
    rng = random.Random(5)
    front_door = UserFactory(roles=[Role.FRONT_DOOR_WORKER])
    partnership = front_door.agency.partnerships.first()
    nhs = [generate_nhs_number(rng) for _ in range(3)]
    ava = child(partnership, "Ava Rose", "Kowalska", date(2012, 3, 4), postcode="CW1 2AB", nhs=nhs[0])
    ava2 = child(partnership, "Ava", "Kowalski", date(2012, 4, 3), postcode="CW1 2AB", nhs=nhs[0])
    tom = child(partnership, "Thomas", "Hughes", date(2011, 7, 19), postcode="CW2 5XY", sex="M")
    tom2 = child(partnership, "Tom", "Hughes", date(2011, 7, 19), postcode="CW2 5XZ", sex="M")
    mia = child(partnership, "Mia", "Oyelaran", date(2014, 1, 30), nhs=nhs[1])
    mia2 = child(partnership, "Mya", "Oyelaran", date(2014, 1, 31), nhs=nhs[1])
    # Twins: same birthday, family name and address, different given names. Never a likely pair.
    child(partnership, "Jack", "Wilson", date(2015, 9, 9), postcode="CW3 1AA", sex="M")
    child(partnership, "Jake", "Wilson", date(2015, 9, 9), postcode="CW3 1AA", sex="M")
    child(partnership, "Lily", "Wilson", date(2015, 9, 9), postcode="CW3 1AA")
    for i in range(20):  # unrelated children, some sharing a name or a birthday with the others
        child(
            partnership,
            rng.choice(["Ava", "Noah", "Isla", "Leo"]),
            rng.choice(["Hughes", "Patel", "Smith", "Kowalska"]),
            date(2010 + i % 6, 1 + i % 12, 1 + i),
            postcode=f"CW{4 + i % 3} {i % 9}AB",
            nhs=generate_nhs_number(rng),
        )
    return {
        "front_door": front_door,
        "partnership": partnership,
        "duplicates": {pair(ava, ava2), pair(tom, tom2), pair(mia, mia2)},
    }


def listed() -> set[tuple[int, int]]:
    return set(LikelyDuplicate.objects.values_list("person_a_id", "person_b_id"))


def test_dedupe_lists_each_duplicate_with_the_evidence_field_by_field(register: dict[str, Any]) -> None:
    result = dedupe.dedupe(actor=ACTOR)
    assert listed() == register["duplicates"]
    assert result.added == 3 and result.people == 29
    row = LikelyDuplicate.objects.get(pk=min(LikelyDuplicate.objects.values_list("pk", flat=True)))
    fields = [item["field"] for item in row.evidence]
    assert fields[:3] == ["nhs_number", "date_of_birth", "family_name"]
    assert {item["level"] for item in row.evidence if item["field"] == "date_of_birth"} == {"swapped"}
    assert row.status == "open" and row.engine == "duckdb" and row.mace_probability >= dedupe.LIKELY


def test_twins_are_never_listed_as_likely_duplicates(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    wilsons = set(Person.objects.filter(family_name="Wilson").values_list("pk", flat=True))
    assert not any(a in wilsons or b in wilsons for a, b in listed())


def test_each_listed_pair_is_in_the_access_log_in_its_batch(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    logged = AccessLogEntry.objects.filter(object_type="likely_duplicate", actor_label="system:test-dedupe")
    assert {tuple(map(int, e.object_id.split("-"))) for e in logged} == register["duplicates"]


def test_a_second_run_adds_nothing(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    before = list(LikelyDuplicate.objects.order_by("pk").values_list("pk", "person_a_id", "person_b_id"))
    again = dedupe.dedupe(actor=ACTOR)
    assert again.added == 0 and again.already_listed == 3
    assert (
        list(LikelyDuplicate.objects.order_by("pk").values_list("pk", "person_a_id", "person_b_id")) == before
    )


def test_a_dismissed_pair_is_not_listed_again(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    row = LikelyDuplicate.objects.first()
    assert row is not None
    services.likely_duplicate_dismiss(pair=row, reason="Different mothers", by=register["front_door"])
    dedupe.dedupe(actor=ACTOR)
    row.refresh_from_db()
    assert row.status == "dismissed" and LikelyDuplicate.objects.count() == 3


def test_an_interrupted_run_carries_on_from_its_checkpoint(
    register: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedupe, "WRITE_BATCH", 1)

    def stop_after_one(stage: str, done: int, total: int) -> None:
        if stage.startswith("Weighing") and done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        dedupe.dedupe(actor=ACTOR, checkpoint_dir=tmp_path, progress=stop_after_one)
    assert len(listed()) == 1 and len(list(tmp_path.glob("dedupe-*.json"))) == 1
    # Splink is not run again: the pairs come from the checkpoint.
    monkeypatch.setattr(dedupe, "predict_pairs", lambda *a, **k: pytest.fail("Splink ran again"))
    result = dedupe.dedupe(actor=ACTOR, checkpoint_dir=tmp_path)
    assert result.resumed and result.added == 2 and result.already_listed == 1
    assert listed() == register["duplicates"] and not list(tmp_path.glob("dedupe-*.json"))


def test_merging_a_listed_pair_closes_it_and_undoing_reopens_it(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    row = LikelyDuplicate.objects.select_related("person_a", "person_b").first()
    assert row is not None
    merge = services.person_merge(
        survivor=row.person_a, merged=row.person_b, reason="Same NHS number", by=register["front_door"]
    )
    row.refresh_from_db()
    assert row.status == "merged" and row.person_b_id != row.person_a_id  # the pair itself is not moved
    services.person_unmerge(merge=merge, reason="Wrong child", by=register["front_door"])
    row.refresh_from_db()
    assert row.status == "open"


def test_the_list_shows_open_pairs_with_evidence_and_logs_what_it_showed(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    client = Client()
    sign_in(client, register["front_door"])
    html = client.get("/people/duplicates/").content.decode()
    assert "3 pairs waiting" in html and "Date of birth agrees with day and month swapped" in html
    a, b = min(register["duplicates"])
    assert f"/people/{a}/merge/?other={b}" in html
    entry = AccessLogEntry.objects.get(object_type="likely_duplicates", actor=register["front_door"])
    assert sorted(map(tuple, entry.detail["pairs"])) == sorted(register["duplicates"])


def test_the_front_door_matching_page_links_to_the_list(register: dict[str, Any]) -> None:
    client = Client()
    sign_in(client, register["front_door"])
    assert 'href="/people/duplicates/"' in client.get("/front-door/matching/").content.decode()


def test_dismissing_needs_a_reason_and_changes_nothing_without_one(register: dict[str, Any]) -> None:
    dedupe.dedupe(actor=ACTOR)
    row = LikelyDuplicate.objects.first()
    assert row is not None
    client = Client()
    sign_in(client, register["front_door"])
    client.post(f"/people/duplicates/{row.pk}/dismiss/", {"reason": " "})
    row.refresh_from_db()
    assert row.status == "open"
    client.post(f"/people/duplicates/{row.pk}/dismiss/", {"reason": "Different schools, different parents"})
    row.refresh_from_db()
    assert row.status == "dismissed" and row.reviewed_by_label == register["front_door"].username


def test_dedupe_finds_the_demos_planted_duplicates() -> None:
    from mace.demo.generate import generate

    summary = generate(children=300, seed=3)
    truth = dedupe.planted_duplicates()
    assert len(truth) == summary["Duplicate child records"] > 0
    result = dedupe.dedupe(actor=ACTOR)
    figures = dedupe.score(set(result.pairs), truth)
    assert figures["recall"] >= 0.95 and figures["precision"] >= 0.95, figures


def test_an_unknown_engine_is_refused_before_anything_is_written(register: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Unknown engine"):
        dedupe.dedupe(actor=ACTOR, engine="sqlite")
    assert not LikelyDuplicate.objects.exists()


@pytest.mark.spark
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17: make java")
def test_dedupe_on_spark_finds_the_same_pairs_as_on_duckdb(register: dict[str, Any]) -> None:
    on_duckdb = dedupe.predict_pairs(dedupe.register_frame(), engine="duckdb")
    result = dedupe.dedupe(actor=ACTOR, engine="spark")
    assert [(a, b) for a, b, _ in result.found] == [(a, b) for a, b, _ in on_duckdb]
    for (_, _, on_spark), (_, _, p) in zip(result.found, on_duckdb, strict=True):
        assert on_spark == pytest.approx(p, rel=1e-9)
    # Splink alone also finds the twins (it has no household correction); MACE's scorer drops them.
    assert register["duplicates"] < {(a, b) for a, b, _ in on_duckdb}
    assert listed() == register["duplicates"] and result.not_likely > 0
    assert set(LikelyDuplicate.objects.values_list("engine", flat=True)) == {"spark"}
