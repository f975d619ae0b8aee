"""Optimistic locking's one exception: someone else saved the record since the form was opened."""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """Nothing was overwritten: `record` is what is saved now, `attempted` what the user tried to save."""

    def __init__(self, record: Any, attempted: dict[str, Any]) -> None:
        super().__init__(f"{type(record).__name__} was changed by someone else")
        self.record = record
        self.attempted = attempted
