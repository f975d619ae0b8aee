"""The generator's bulk writes make the same rows Django would, with ids the database agrees with."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mace.accounts.models import Partnership
from mace.demo import bulk
from mace.people.models import ChronologyEvent, Person, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Person:
    partnership = Partnership.objects.create(code="p", name="P")
    return Person.objects.create(
        partnership=partnership, given_names="Ada", family_name="Lee", family_key="lee", given_key="ada"
    )


def _fields(obj: object) -> dict[str, object]:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_a_bulk_row_is_the_instance_django_builds(person: Person) -> None:
    at = timezone.now()
    kwargs = {"person": person, "agency": None, "given_names": "Ada", "family_name": "Lee", "recorded_at": at}
    built = bulk.row(SourceRecord, **kwargs)
    assert _fields(built) == _fields(SourceRecord(**kwargs))
    assert built.person is person


def test_a_bulk_row_refuses_a_field_the_model_does_not_have(person: Person) -> None:
    with pytest.raises(TypeError):
        bulk.row(ChronologyEvent, person=person, colour="blue")


def test_bulk_create_saves_every_row_with_the_id_it_was_given(person: Person) -> None:
    at = timezone.now()
    rows = [
        bulk.row(
            ChronologyEvent, person=person, occurred_at=at, kind="record", title=f"Event {i}", actor_label="x"
        )
        for i in range(5)
    ]
    bulk.create(ChronologyEvent, rows, batch_size=2)
    saved = dict(ChronologyEvent.objects.values_list("pk", "title"))
    assert saved == {r.pk: r.title for r in rows}
    assert ChronologyEvent.objects.get(pk=rows[0].pk).occurred_at == at
    assert ChronologyEvent.objects.get(pk=rows[0].pk).recorded_at is not None  # auto_now_add set


def test_a_row_saved_after_a_bulk_insert_gets_a_new_id(person: Person) -> None:
    rows = [
        bulk.row(
            ChronologyEvent,
            person=person,
            occurred_at=timezone.now(),
            kind="record",
            title="Bulk",
            actor_label="x",
        )
        for _ in range(3)
    ]
    bulk.create(ChronologyEvent, rows)
    later = ChronologyEvent.objects.create(
        person=person, occurred_at=timezone.now(), kind="record", title="Later", actor_label="x"
    )
    assert later.pk > max(r.pk for r in rows)
