"""Optimistic locking's one exception: someone else saved the record since the form was opened, or
the save named no version at all (`core.versioning` raises it for both)."""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """Nothing was overwritten: `record` is what is saved now, `attempted` what the user tried to save,
    `based_on` the version the save was based on (None: it named none)."""

    def __init__(self, record: Any, attempted: dict[str, Any], based_on: int | None = None) -> None:
        super().__init__(f"{type(record).__name__} was changed by someone else")
        self.record = record
        self.attempted = attempted
        self.based_on = based_on
