from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.people import services
from mace.people.models import ChronologyEvent, Identifier, Person

from ..factories import FlagFactory, InvolvementFactory, PersonFactory, RestrictedPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user(Role.FRONT_DOOR_WORKER)


def _pair():
    survivor, duplicate = PersonFactory(given_names="Kayden"), PersonFactory(given_names="Kaden")
    Identifier.objects.create(person=duplicate, scheme="police", value="CH-2024-0000001")
    FlagFactory(person=duplicate, kind="cce")
    InvolvementFactory(person=duplicate)
    ChronologyEvent.objects.create(
        person=duplicate, occurred_at="2025-01-01T00:00:00Z", kind="visit", title="Seen", actor_label="t"
    )
    return survivor, duplicate


def test_merge_moves_everything_to_the_survivor_and_archives_the_duplicate(worker) -> None:
    survivor, duplicate = _pair()
    services.person_merge(
        survivor=survivor, merged=duplicate, reason="Same child: same school and address", by=worker
    )
    duplicate.refresh_from_db()
    assert duplicate.archived_at is not None and duplicate.merged_into == survivor
    assert survivor.identifiers.filter(value="CH-2024-0000001").exists()
    assert survivor.flags.filter(kind="cce").exists() and survivor.involvements.exists()
    assert survivor.names.filter(given_names="Kaden").exists()
    assert AccessLogEntry.objects.filter(object_type="person_merge").exists()


def test_undo_puts_every_row_back(worker) -> None:
    survivor, duplicate = _pair()
    before = {
        "ids": set(duplicate.identifiers.values_list("pk", flat=True)),
        "events": duplicate.chronology.count(),
    }
    merge = services.person_merge(survivor=survivor, merged=duplicate, reason="Looked the same", by=worker)
    services.person_unmerge(merge=merge, reason="Twins, not the same child", by=worker)
    duplicate.refresh_from_db()
    assert duplicate.archived_at is None and duplicate.merged_into is None
    assert set(duplicate.identifiers.values_list("pk", flat=True)) == before["ids"]
    assert duplicate.flags.filter(kind="cce").exists()
    assert not survivor.names.filter(given_names="Kaden").exists()
    assert not survivor.identifiers.exists()


def test_a_conflicting_identifier_stays_with_the_duplicate(worker) -> None:
    survivor, duplicate = _pair()
    Identifier.objects.create(person=survivor, scheme="police", value="CH-2024-0000001")
    merge = services.person_merge(survivor=survivor, merged=duplicate, reason="Same child", by=worker)
    assert merge.created["kept"]["people.Identifier"]


def test_restricted_records_are_not_merged(worker) -> None:
    with pytest.raises(ValidationError):
        services.person_merge(
            survivor=PersonFactory(), merged=RestrictedPersonFactory(), reason="x", by=worker
        )


def test_merge_needs_a_reason_and_the_front_door(worker, make_user) -> None:
    survivor, duplicate = _pair()
    with pytest.raises(ValidationError):
        services.person_merge(survivor=survivor, merged=duplicate, reason=" ", by=worker)
    with pytest.raises(PermissionError):
        services.person_merge(
            survivor=survivor, merged=duplicate, reason="x", by=make_user(Role.SOCIAL_WORKER)
        )
    assert Person.objects.filter(archived_at__isnull=True).count() >= 2


def test_merge_page_compares_then_merges_and_undo_restores(worker) -> None:
    from django.test import Client

    from ..conftest import sign_in

    survivor, duplicate = _pair()
    for person in (survivor, duplicate):
        InvolvementFactory(person=person, team=worker.team, kind="front_door")
    client = sign_in(Client(), worker)
    page = client.get(f"/people/{survivor.pk}/merge/", {"other": duplicate.pk}).content.decode()
    assert "likely the same child" in page
    response = client.post(
        f"/people/{survivor.pk}/merge/",
        {"other": duplicate.pk, "confirm": "yes", "reason": "Same school, same address"},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    merge = survivor.merges_in.get()
    client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Different children"})
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_page_is_for_the_front_door_only(make_user) -> None:
    from django.test import Client

    from ..conftest import sign_in

    user = make_user(Role.SOCIAL_WORKER)
    person = PersonFactory()
    InvolvementFactory(person=person, team=user.team)
    assert sign_in(Client(), user).get(f"/people/{person.pk}/merge/").status_code == 404
