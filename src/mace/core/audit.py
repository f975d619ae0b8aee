"""The access log: every read and write, in the same transaction as the work, hash-chained.

Writers take a lock before reading the chain's head (an advisory lock on PostgreSQL; SQLite's
IMMEDIATE transactions already serialise writers), so two requests can never fork the chain.
Attribution is mandatory: an entry needs a user or a named system actor.

The chain is keyed (HMAC-SHA256 with a key the database does not hold), so someone who can edit the
database cannot recompute it, and its head is anchored outside the database: checkpoints (count and
head hash) appended to a file, which `verify` compares with, so deleting the newest entries shows.
Entries written before the log had a key keep their plain SHA-256 hashes (decision 0015).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLogEntry

logger = logging.getLogger(__name__)
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
    if entry.hash_version is not None:  # old entries' payload stays exactly as it was hashed
        payload["hash_version"] = entry.hash_version
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


LEGACY = None  # hash_version of entries written before the key: plain SHA-256
KEYED = 2  # HMAC-SHA256 with the access log's key


class AuditKeyMissing(RuntimeError):
    """The key is gone but keyed entries exist: writing on with a new key would hide the loss."""


def _key() -> bytes:
    configured = settings.MACE_AUDIT_KEY
    if configured:
        return str(configured).encode()
    return _key_from_file(Path(settings.MACE_AUDIT_KEY_FILE))


@lru_cache(maxsize=4)
def _key_from_file(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        key = _create_key_file(path)
    if not key:
        raise AuditKeyMissing(f"The access log's key file {path} is empty.")
    return key


def _create_key_file(path: Path) -> bytes:
    if AccessLogEntry.objects.filter(hash_version=KEYED).exists():
        raise AuditKeyMissing(
            f"The access log's key file {path} is missing but keyed entries exist. "
            "Restore the key (or set MACE_AUDIT_KEY) before anything else is written."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    # Written whole to a private temporary file, then linked into place: a process starting at the same
    # moment either wins the link or reads the complete key of the one that did, never a half-written one.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key


def compute_hash(entry: AccessLogEntry) -> str:
    """The entry's hash by its own scheme: HMAC-SHA256 with the key, or plain SHA-256 for old entries."""
    if entry.hash_version == KEYED:
        return hmac.new(_key(), _canonical(entry), hashlib.sha256).hexdigest()
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


# Events derived from the record ------------------------------------------------------------------

# Free text is never copied into the log (it may name people); a changed text field is recorded as
# changed, with its length, not its words.
_TEXT_FIELDS = ("TextField",)


def object_type_of(instance: Any) -> str:
    """The log's object type for a model instance: its class name in snake case (StrategyRequirement ->
    "strategy_requirement"), as the services have always written it."""
    name = type(instance).__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def person_id_of(instance: Any) -> int | None:
    """The child a record is about: the record itself for a person, else its `person_id` if it has one."""
    if type(instance).__name__ == "Person":
        return _person_id(instance.pk)
    return _person_id(getattr(instance, "person_id", None))


def snapshot(instance: Any) -> dict[str, Any]:
    """The record's concrete field values (foreign keys as ids), taken before a change for `changes`."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _loggable(instance: Any, attname: str, value: Any) -> Any:
    field_ = next((f for f in instance._meta.concrete_fields if f.attname == attname), None)
    if field_ is not None and field_.get_internal_type() in _TEXT_FIELDS:
        return {"length": len(value or "")}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes(before: dict[str, Any], instance: Any) -> dict[str, list[Any]]:
    """Field -> [old, new] for every field whose value differs from `before` (`version` left out)."""
    after = snapshot(instance)
    return {
        name: [_loggable(instance, name, before.get(name)), _loggable(instance, name, value)]
        for name, value in after.items()
        if name != "version" and before.get(name) != value
    }


def event_for(
    action: str,
    instance: Any,
    *,
    before: dict[str, Any] | None = None,
    person_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> Event:
    """The event for a change to `instance`: type, id and child derived from the record (`person_id` for a
    record that reaches its child through another, as a strategy requirement through its episode), and
    (given the `snapshot` taken before the change) the old and new value of each changed field under
    "changed"."""
    detail = dict(detail or {})
    if before is not None:
        detail["changed"] = changes(before, instance)
    child = person_id if person_id is not None else person_id_of(instance)
    return Event(action, object_type_of(instance), str(instance.pk), child, reason, detail)


def record_change(
    actor: Actor,
    action: str,
    instance: Any,
    *,
    before: dict[str, Any] | None = None,
    person_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Log a change to a model instance (see `event_for`) in the caller's transaction."""
    return record(
        actor, event_for(action, instance, before=before, person_id=person_id, reason=reason, detail=detail)
    )


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
                hash_version=KEYED,
            )
            entry.entry_hash = compute_hash(entry)
            prev = entry.entry_hash
            entries.append(entry)
        AccessLogEntry.objects.bulk_create(entries, batch_size=batch_size)
        return entries


@dataclass(frozen=True)
class Checkpoint:
    """The log's head at one moment: how many entries, and the last one's id and hash. Its own MAC
    (with the log's key) stops someone who can append to the file from writing a checkpoint to match
    a log they have cut short."""

    at: str
    count: int
    head_id: int
    head_hash: str
    legacy: int  # entries written before the key: the boundary of the old algorithm
    mac: str = ""

    def _payload(self) -> bytes:
        fields = {
            "at": self.at,
            "count": self.count,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "legacy": self.legacy,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signed(self) -> Checkpoint:
        mac = hmac.new(_key(), b"checkpoint:" + self._payload(), hashlib.sha256).hexdigest()
        return Checkpoint(self.at, self.count, self.head_id, self.head_hash, self.legacy, mac)

    def is_authentic(self) -> bool:
        return bool(self.mac) and hmac.compare_digest(self.signed().mac, self.mac)

    def line(self) -> str:
        return json.dumps(
            {**json.loads(self._payload()), "mac": self.mac}, sort_keys=True, separators=(",", ":")
        )

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        data = json.loads(line)
        return cls(
            str(data["at"]),
            int(data["count"]),
            int(data["head_id"]),
            str(data["head_hash"]),
            int(data["legacy"]),
            str(data.get("mac", "")),
        )


def anchor_path() -> Path:
    return Path(settings.MACE_AUDIT_ANCHOR_FILE)


def head_checkpoint() -> Checkpoint:
    """The log's head now, signed. Read in one transaction so the count and the head agree."""
    with transaction.atomic():
        count = AccessLogEntry.objects.count()
        legacy = AccessLogEntry.objects.filter(hash_version__isnull=True).count()
        head = AccessLogEntry.objects.order_by("-id").values_list("id", "entry_hash").first()
    head_id, head_hash = head or (0, GENESIS)
    at = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    return Checkpoint(at, count, head_id, head_hash, legacy).signed()


def latest_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The last line of the anchor file (read from its end: the file grows for ever)."""
    path = path or anchor_path()
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 4096))
            lines = [line for line in handle.read().splitlines() if line.strip()]
    except FileNotFoundError:
        return None
    return Checkpoint.parse(lines[-1].decode()) if lines else None


class AnchorRefused(RuntimeError):
    """The log no longer extends the last checkpoint: anchoring now would certify the damage."""


def _extends(last: Checkpoint) -> str:
    """Why the log does not extend the last checkpoint, or "" if it does. Only the entries written
    since the checkpoint are checked, so the periodic job stays cheap."""
    if last.count == 0:
        return ""
    head = AccessLogEntry.objects.filter(id=last.head_id).values_list("entry_hash", flat=True).first()
    if head != last.head_hash:
        return f"entry {last.head_id}, the head at the checkpoint of {last.at}, is missing or changed"
    prev = last.head_hash
    for entry in AccessLogEntry.objects.filter(id__gt=last.head_id).order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or not hmac.compare_digest(compute_hash(entry), entry.entry_hash):
            return f"entry {entry.id} does not follow from the checkpoint of {last.at}"
        prev = entry.entry_hash
    return ""


def anchor(path: Path | None = None) -> Checkpoint:
    """Append a checkpoint of the head to the anchor file (append-only, fsynced) and return it.
    Refuses if the log no longer extends the previous checkpoint: run `mace audit verify`."""
    path = path or anchor_path()
    last = latest_checkpoint(path)
    if last is not None:
        problem = "the latest checkpoint is not signed with the log's key" if not last.is_authentic() else ""
        problem = problem or _extends(last)
        if problem:
            raise AnchorRefused(f"Not anchoring the access log: {problem}.")
    checkpoint = head_checkpoint()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(checkpoint.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def anchor_tick(now: datetime | None = None) -> dict[str, int]:
    """The worker's periodic job: a checkpoint when the log has grown, at most every few minutes."""
    now = now or timezone.now()
    last = latest_checkpoint()
    if last is not None:
        due = datetime.fromisoformat(last.at) + timedelta(minutes=settings.MACE_AUDIT_ANCHOR_MINUTES)
        head = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if now < due or head == last.head_id:
            return {"access log anchored": 0}
    try:
        anchor()
    except AnchorRefused as refused:  # an alarm for whoever watches the worker, not a crash
        logger.error("%s", refused)
        return {"access log anchor refused": 1}
    return {"access log anchored": 1}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""
    checkpoint: Checkpoint | None = None


def iter_entries(chunk: int = 5000) -> Iterator[AccessLogEntry]:
    last_id = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _short(digest: str) -> str:
    return f"{digest[:16]}…"


def verify(progress: Any = None, *, anchor_file: Path | None = None) -> VerifyResult:
    """Recompute the whole chain, then hold it against the latest checkpoint outside the database.

    The first entry whose content or link does not match is named; entries missing from the end
    (which no chain alone can show) are named by their positions from the checkpoint."""
    checkpoint = latest_checkpoint(anchor_file)
    if checkpoint is not None and not checkpoint.is_authentic():
        return VerifyResult(
            False, 0, None, "the latest checkpoint is not signed with the log's key", checkpoint
        )
    prev = GENESIS
    checked = legacy = 0
    keyed_seen = False
    at_checkpoint: AccessLogEntry | None = None
    for entry in iter_entries():
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.id, "its link to the previous entry is broken", checkpoint
            )
        if entry.hash_version is LEGACY:
            if keyed_seen:
                return VerifyResult(
                    False, checked, entry.id, "it is hashed without the key after keyed entries", checkpoint
                )
            legacy += 1
        elif entry.hash_version != KEYED:
            return VerifyResult(False, checked, entry.id, "its hash scheme is unknown", checkpoint)
        else:
            keyed_seen = True
        if not hmac.compare_digest(compute_hash(entry), entry.entry_hash):
            return VerifyResult(False, checked, entry.id, "its content does not match its hash", checkpoint)
        prev = entry.entry_hash
        checked += 1
        if checkpoint is not None and checked == checkpoint.count:
            at_checkpoint = entry
        if progress is not None:
            progress(1)
    if checkpoint is None:
        return VerifyResult(True, checked)
    says = (
        f"the checkpoint of {checkpoint.at} says {checkpoint.count:,} entries "
        f"with head hash {_short(checkpoint.head_hash)} (entry {checkpoint.head_id})"
    )
    if checked < checkpoint.count:
        first, last = checked + 1, checkpoint.count
        span = f"entry {first:,} missing" if first == last else f"entries {first:,} to {last:,} missing"
        return VerifyResult(False, checked, None, f"{span}: {says}", checkpoint)
    if checkpoint.count and (at_checkpoint is None or at_checkpoint.entry_hash != checkpoint.head_hash):
        found = _short(at_checkpoint.entry_hash) if at_checkpoint else "nothing"
        return VerifyResult(
            False,
            checked,
            at_checkpoint.id if at_checkpoint else None,
            f"entry {checkpoint.count:,} has hash {found}, but {says}: the log was rewritten",
            checkpoint,
        )
    if legacy > checkpoint.legacy:
        return VerifyResult(
            False,
            checked,
            None,
            f"{legacy:,} entries are hashed without the key, but {says} and {checkpoint.legacy:,} "
            "such entries: the log was rewritten",
            checkpoint,
        )
    return VerifyResult(True, checked, checkpoint=checkpoint)
