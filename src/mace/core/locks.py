"""Serialising writers that must not decide at the same time: two requests that would both find "no
such child yet" and both create one, or both count "four reports this hour" and both store a fifth.

`hold(*keys)` takes a lock per key for the rest of the current transaction. On PostgreSQL these are
transaction-scoped advisory locks (`pg_advisory_xact_lock`), taken in a fixed order so that two
writers holding overlapping sets cannot deadlock, and released by COMMIT or ROLLBACK. On SQLite every
write transaction already holds the database's single write lock from its first statement
(`transaction_mode: IMMEDIATE` in the settings), so writers are serialised and nothing more is needed.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def lock_id(key: str) -> int:
    """A stable signed 64-bit number for a key: what PostgreSQL's advisory locks are keyed by."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"mace-lock").digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(*keys: str) -> None:
    """Hold a lock on each key until the current transaction ends. Call inside `transaction.atomic`."""
    if not connection.in_atomic_block:
        raise RuntimeError("locks.hold needs a transaction: it would be released at once")
    if connection.vendor == "sqlite":
        options = connection.settings_dict.get("OPTIONS", {})
        if str(options.get("transaction_mode", "")).upper() not in ("IMMEDIATE", "EXCLUSIVE"):
            raise RuntimeError("SQLite must begin write transactions IMMEDIATE for writers to queue")
        return
    if connection.vendor != "postgresql":
        raise NotImplementedError(f"No locking for {connection.vendor}")
    with connection.cursor() as cursor:
        for number in sorted({lock_id(k) for k in keys}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
