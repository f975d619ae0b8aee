"""Tests that save through a service send the version saved now, as a form or client that has just
read the record does (no version, no save); and a way to prove that a refused save changed nothing."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict


def saved_version(record: Any) -> int:
    """The version in the database now (the instance in hand may be stale after an earlier save)."""
    return int(type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get())


def as_saved(record: Any) -> dict[str, Any]:
    """Every field of the record as the database holds it now."""
    fresh = type(record).objects.get(pk=record.pk)
    return {**model_to_dict(fresh), "version": fresh.version}
