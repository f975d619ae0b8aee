"""The access log: every read and write, in the same transaction as the work, hash-chained.

Writers take a lock before reading the chain's head (an advisory lock on PostgreSQL; SQLite's
IMMEDIATE transactions already serialise writers), so two requests can never fork the chain.
Attribution is mandatory: an entry needs a user or a named system actor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLogEntry

GENESIS = "0" * 64
OBJECT_ID_LENGTH = AccessLogEntry._meta.get_field("object_id").max_length or 64
_PG_LOCK_KEY = 724_100_001  # arbitrary constant: the access log's advisory lock


class AttributionError(ValueError):
    """Raised when something tries to change records without saying who."""


@dataclass(frozen=True)
class Actor:
    """Who did it: a signed-in user, or a named system process (the demo generator, an import)."""

    user_id: int | None
    label: str

    @classmethod
    def system(cls, name: str) -> Actor:
        if not name:
            raise AttributionError("A system actor needs a name.")
        return cls(user_id=None, label=f"system:{name}")

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            raise AttributionError(
                "No user and no named system actor: refusing to record an anonymous change."
            )
        return cls(user_id=user.pk, label=user.get_username())


@dataclass
class Event:
    action: str
    object_type: str = ""
    object_id: str = ""
    person_id: int | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _canonical(entry: AccessLogEntry) -> bytes:
    payload = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "person_id": entry.person_id,
        "reason": entry.reason,
        "detail": entry.detail,
        "prev": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AccessLogEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _head() -> str:
    last = AccessLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    return last or GENESIS


_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1  # a signed 64-bit integer: every id column on both databases


def _person_id(value: Any) -> int | None:
    """A person id as the log's integer column can hold it. An id no record can have (a URL asking
    for person 2^70) stays as text in `object_id` and never fails the entry: the denial must be logged."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if _ID_MIN <= value <= _ID_MAX else None


def _object_id(value: Any) -> str:
    text = str(value)
    return text if len(text) <= OBJECT_ID_LENGTH else text[: OBJECT_ID_LENGTH - 1] + "…"


def _normalise_time(at: datetime) -> datetime:
    # Store at microsecond precision in UTC so the hash reproduces after a database round trip.
    return at.astimezone(UTC)


def record(actor: Actor, event: Event) -> AccessLogEntry:
    """Append one entry. Must run inside the caller's transaction: if the caller fails, so does the entry."""
    return record_many(actor, [event])[0]


def record_many(actor: Actor, events: Iterable[Event], *, batch_size: int = 2000) -> list[AccessLogEntry]:
    if not isinstance(actor, Actor) or not actor.label:
        raise AttributionError("The access log needs an actor.")
    with transaction.atomic():
        _lock_chain()
        prev = _head()
        now = _normalise_time(timezone.now())
        entries: list[AccessLogEntry] = []
        for event in events:
            entry = AccessLogEntry(
                at=now,
                actor_id=actor.user_id,
                actor_label=actor.label,
                action=event.action,
                object_type=event.object_type,
                object_id=_object_id(event.object_id),
                person_id=_person_id(event.person_id),
                reason=event.reason,
                detail=event.detail,
                prev_hash=prev,
            )
            entry.entry_hash = compute_hash(entry)
            prev = entry.entry_hash
            entries.append(entry)
        AccessLogEntry.objects.bulk_create(entries, batch_size=batch_size)
        return entries


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def iter_entries(chunk: int = 5000) -> Iterator[AccessLogEntry]:
    last_id = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def verify(progress: Any = None) -> VerifyResult:
    """Recompute the whole chain. The first entry whose content or link does not match is named."""
    prev = GENESIS
    checked = 0
    for entry in iter_entries():
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.id, "its link to the previous entry is broken")
        if compute_hash(entry) != entry.entry_hash:
            return VerifyResult(False, checked, entry.id, "its content does not match its hash")
        prev = entry.entry_hash
        checked += 1
        if progress is not None:
            progress(1)
    return VerifyResult(True, checked)
