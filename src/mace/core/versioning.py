"""Optimistic locking's one rule, for every editable record: no version, no save.

A service locks the row (`select_for_update`), calls `require_version` with the version the form or
request was based on, validates, and writes with `save_next_version`, all in one `transaction.atomic`
(as `plans.services.plan_save` does). A missing version is not "overwrite whatever is there": it is a
conflict like a stale one, so the caller sees what is saved now beside what it tried to save.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .conflict import Conflict


def matches(version: int | None, current: int) -> bool:
    """True only when a version was given and it is the one saved now."""
    return version is not None and version == current


def require_version(
    record: Any, version: int | None, attempted: dict[str, Any], *, current: int | None = None
) -> None:
    """Raise Conflict (nothing changed) unless `version` is the record's saved version. `record` is what
    the conflict shows as saved now; `current` is the saved version number when it is not
    `record.version` (a plan's versions are numbered, a record not yet created is 0)."""
    saved = record.version if current is None else current
    if not matches(version, saved):
        raise Conflict(record, attempted, based_on=version)


def save_next_version(record: Any, fields: Iterable[str] | None = None) -> None:
    """Write the record as its next version: `fields` and `version` only, or every field if None."""
    record.version += 1
    if fields is None:
        record.save()
    else:
        record.save(update_fields=[*dict.fromkeys([*fields, "version"])])
