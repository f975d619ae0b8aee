"""The one optimistic-locking rule: no version, no save; a stale version is a conflict; a save writes
the next version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from mace.core.conflict import Conflict
from mace.core.versioning import matches, require_version, save_next_version


@dataclass
class Record:
    version: int = 3
    saved: list[Any] = field(default_factory=list)

    def save(self, update_fields: list[str] | None = None) -> None:
        self.saved.append(update_fields)


def test_only_the_saved_version_matches() -> None:
    assert (matches(3, 3), matches(2, 3), matches(None, 3), matches(None, 0)) == (True, False, False, False)


def test_the_saved_version_passes() -> None:
    require_version(Record(), 3, {"text": "x"})


def test_no_version_is_a_conflict_naming_what_was_attempted() -> None:
    record = Record()
    with pytest.raises(Conflict) as raised:
        require_version(record, None, {"text": "x"})
    assert (raised.value.record, raised.value.attempted, raised.value.based_on) == (
        record,
        {"text": "x"},
        None,
    )


def test_a_stale_version_is_a_conflict_based_on_that_version() -> None:
    with pytest.raises(Conflict) as raised:
        require_version(Record(), 2, {})
    assert raised.value.based_on == 2


def test_the_saved_number_can_be_given_for_a_record_not_yet_created() -> None:
    require_version(None, 0, {}, current=0)
    with pytest.raises(Conflict):
        require_version(None, None, {}, current=0)


def test_saving_writes_the_next_version_with_only_the_fields_named() -> None:
    record = Record()
    save_next_version(record, ["text", "version"])
    assert (record.version, record.saved) == (4, [["text", "version"]])


def test_saving_without_fields_writes_the_whole_record() -> None:
    record = Record()
    save_next_version(record)
    assert (record.version, record.saved) == (4, [None])
