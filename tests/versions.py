"""Tests that save through a service send the version saved now, as a form or client that has just
read the record does (no version, no save)."""

from __future__ import annotations

from typing import Any


def saved_version(record: Any) -> int:
    """The version in the database now (the instance in hand may be stale after an earlier save)."""
    return int(type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get())
