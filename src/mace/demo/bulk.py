"""Bulk writes for the generator steps: a query per batch of rows, never a query per row.

The generator is one named system actor loading a synthetic partnership, not people at work, so
the access log gets one honest entry per kind of record a step makes (how many, and the range of
their ids) instead of one entry per row: the chain stays intact and `mace audit verify` passes.
The children themselves are still logged one by one (`people` step), so each child's own access
log shows when their record was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models

from mace.core import audit
from mace.core.models import AccessLogEntry

BATCH = 1000
M = TypeVar("M", bound=models.Model)


def create(model: type[M], rows: Sequence[M], *, batch_size: int = BATCH) -> list[M]:
    """Insert every row in batches; each row has its id afterwards (RETURNING on both databases)."""
    if not rows:
        return []
    return model.objects.bulk_create(rows, batch_size=batch_size)


def log_created(actor: audit.Actor, object_type: str, rows: Sequence[Any], **detail: Any) -> None:
    """One access log entry for a batch of records a step made."""
    if not rows:
        return
    ids = [r.pk for r in rows]
    audit.record(
        actor,
        audit.Event(
            AccessLogEntry.Action.CREATE,
            object_type,
            "",
            reason="Synthetic partnership generated in bulk",
            detail={"count": len(ids), "first_id": min(ids), "last_id": max(ids), **detail},
        ),
    )
