"""One audit call for a change: the record's type, id and child come from the instance, with old and new
values of the fields that changed (free text by length only)."""
# shifted-clocks: pinned

from __future__ import annotations

import pytest

from mace.core import audit
from mace.core.models import AccessLogEntry
from tests.factories import FlagFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_object_type_is_the_models_name_in_snake_case() -> None:
    flag = FlagFactory()
    assert audit.object_type_of(flag) == "flag"

    class StrategyRequirement:
        pass

    assert audit.object_type_of(StrategyRequirement()) == "strategy_requirement"


def test_the_child_is_the_person_itself_or_the_records_person() -> None:
    flag = FlagFactory()
    assert audit.person_id_of(flag) == flag.person_id
    assert audit.person_id_of(flag.person) == flag.person.pk


def test_a_change_records_old_and_new_values_of_changed_fields_only() -> None:
    person = PersonFactory(family_name="Smith", preferred_name="")
    before = audit.snapshot(person)
    person.family_name = "Smyth"
    entry = audit.record_change(
        audit.Actor.system("test"), AccessLogEntry.Action.UPDATE, person, before=before
    )
    saved = AccessLogEntry.objects.get(pk=entry.pk)
    assert (saved.object_type, saved.object_id, saved.person_id) == ("person", str(person.pk), person.pk)
    assert saved.detail == {"changed": {"family_name": ["Smith", "Smyth"]}}


def test_free_text_is_logged_by_length_not_words() -> None:
    flag = FlagFactory(reason="Seen with an adult at the takeaway")
    before = audit.snapshot(flag)
    flag.reason = "Seen with Adult A"
    changed = audit.changes(before, flag)
    assert changed == {"reason": [{"length": 34}, {"length": 17}]}


def test_a_record_reaching_its_child_through_another_takes_the_given_child() -> None:
    flag = FlagFactory()
    event = audit.event_for(AccessLogEntry.Action.UPDATE, flag, person_id=12345)
    assert event.person_id == 12345
