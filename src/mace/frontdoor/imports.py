"""Batch import of contacts from police and partner systems (CSV or JSON lines).

Idempotent: a row whose source system and reference are already in MACE is counted, not added again,
so re-running a file after a crash carries on where it stopped. Rows are written in small batches, each
in one transaction: a crash loses at most the batch in flight, never half a contact. Every rejected row
is reported with its line number and every reason.

An import shares the database with the web server and the worker. On SQLite one writer holds the whole
database, so a batch holds the write lock for at most `LOCK_BUDGET` and then leaves it free for `YIELD`,
longer than a waiting writer sleeps between tries: a web request waits a fraction of a second, never
until its busy timeout runs out (decision 0011). A batch the database refuses (locked, connection lost)
is tried again; if it still fails the import stops, keeps what it committed, and says where it stopped.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction

from mace.accounts.models import Agency, Partnership
from mace.core.audit import Actor

from . import services
from .models import Contact

SUBJECT_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "police_id",
    "la_child_id",
    "upn",
    "postcode",
    "address",
)
BATCH = 50  # rows at most in one transaction
LOCK_BUDGET = 0.5  # seconds: a batch commits once it has held the write lock this long
YIELD = 0.15  # seconds the write lock is left free between batches on SQLite (its busy wait is 0.1 s)
RETRIES = 3  # tries again of a batch the database refused, before the import stops

logger = logging.getLogger(__name__)
Row = tuple[int, dict[str, Any] | str]


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    already_present: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reference, reasons)
    stopped_at: int | None = None  # line of the first row not imported, if the database stopped it
    stopped_because: str = ""

    def add(self, other: ImportResult) -> None:
        self.rows += other.rows
        self.created += other.created
        self.already_present += other.already_present
        self.rejected.extend(other.rejected)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) pairs; a row that cannot even be parsed comes back as its error message."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield line_no, f"Not valid JSON: {exc.msg}"
                    continue
                yield line_no, row if isinstance(row, dict) else "Each line must be a JSON object"
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _contact_in(row: dict[str, Any], agencies: dict[str, Agency]) -> services.ContactIn:
    problems: dict[str, str] = {}
    received_raw = str(row.get("received_at") or "")
    received: datetime | None = None
    try:
        received = datetime.fromisoformat(received_raw) if received_raw else None
    except ValueError:
        problems["received_at"] = f"Not a date and time: {received_raw!r}"
    subject = (
        row.get("subject")
        if isinstance(row.get("subject"), dict)
        else {k: row.get(k) for k in SUBJECT_FIELDS}
    )
    concerns = row.get("concerns") or []
    if isinstance(concerns, str):
        concerns = [c.strip() for c in concerns.replace(",", ";").split(";") if c.strip()]
    code = str(row.get("source_agency") or "")
    agency = agencies.get(code)
    if code and agency is None:
        problems["source_agency"] = f"Unknown agency code {code!r}"
    if not row.get("source_system") or not row.get("external_ref"):
        problems["external_ref"] = "Every imported row needs a source_system and an external_ref"
    if problems:
        raise ValidationError(problems)
    return services.ContactIn(
        kind=str(row.get("kind") or ""),
        received_at=received,
        summary=str(row.get("summary") or ""),
        subject={k: v for k, v in (subject or {}).items() if v},
        source_system=str(row.get("source_system")),
        external_ref=str(row.get("external_ref")),
        source_agency=agency,
        concerns=list(concerns),
        child_voice=str(row.get("child_voice") or ""),
    )


def _import_row(
    line_no: int,
    row: dict[str, Any] | str,
    *,
    into: ImportResult,
    partnership: Partnership,
    actor: Actor,
    agencies: dict[str, Agency],
) -> None:
    """One row in its own savepoint: a row the database refuses is rejected, not the batch."""
    into.rows += 1
    if isinstance(row, str):
        into.rejected.append((line_no, "", row))
        return
    ref = str(row.get("external_ref") or "")
    try:
        with transaction.atomic():
            data = _contact_in(row, agencies)
            if Contact.objects.filter(
                source_system=data.source_system, external_ref=data.external_ref
            ).exists():
                into.already_present += 1
                return
            _, created = services.contact_receive(
                data=data, partnership=partnership, route=Contact.Route.IMPORT, by=actor
            )
    except ValidationError as exc:
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        into.rejected.append((line_no, ref, reasons))
        return
    except (IntegrityError, DataError) as exc:
        into.rejected.append((line_no, ref, f"The database refused this row: {exc}"))
        return
    except DatabaseError:
        raise  # the database, not the row: the batch is tried again
    except Exception as exc:  # a value of the wrong shape, e.g. a number where a list belongs
        logger.warning("Import line %s could not be read", line_no, exc_info=True)
        into.rejected.append((line_no, ref, f"Could not be read: {type(exc).__name__}: {exc}"))
        return
    if created:
        into.created += 1
    else:
        into.already_present += 1


def import_contacts(
    path: Path, *, partnership: Partnership, actor: Actor, progress: Callable[[int], None] | None = None
) -> ImportResult:
    result = ImportResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    source = read_rows(path)
    pending: list[Row] = []  # read, not yet committed
    failures = 0
    first = True
    while True:
        pending.extend(islice(source, BATCH - len(pending)))
        if not pending:
            return result
        if not first and connection.vendor == "sqlite":
            time.sleep(YIELD)  # leave the write lock free: a web request or the worker writes now
        first = False
        batch = ImportResult()
        taken = 0
        try:
            with transaction.atomic():
                started = time.monotonic()
                for line_no, row in pending:
                    _import_row(
                        line_no, row, into=batch, partnership=partnership, actor=actor, agencies=agencies
                    )
                    taken += 1
                    if time.monotonic() - started >= LOCK_BUDGET:
                        break
        except DatabaseError as exc:
            failures += 1
            if failures > RETRIES:
                result.stopped_at = pending[0][0]
                result.stopped_because = f"{type(exc).__name__}: {exc}"
                logger.error("Import of %s stopped at line %s: %s", path.name, result.stopped_at, exc)
                return result
            logger.warning("Import batch at line %s refused (%s); trying again", pending[0][0], exc)
            time.sleep(YIELD * 2**failures)
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a lost connection reconnects
            continue
        failures = 0
        result.add(batch)
        del pending[:taken]
        if progress:
            progress(taken)


def write_rejects(result: ImportResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "external_ref", "reasons"])
        writer.writerows(result.rejected)


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - (0 if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else 1)
