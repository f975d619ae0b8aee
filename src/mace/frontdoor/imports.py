"""Batch import of contacts from police and partner systems (CSV or JSON lines).

Idempotent: a row whose source system and reference are already in MACE is counted, not added again,
so re-running a file after a crash carries on where it stopped. Rows are written in batches, each in
one transaction: a crash loses at most the batch in flight, never half a contact. Every rejected row
is reported with its line number and every reason.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

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
BATCH = 200


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    already_present: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reference, reasons)


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


def import_contacts(
    path: Path, *, partnership: Partnership, actor: Actor, progress: Callable[[int], None] | None = None
) -> ImportResult:
    result = ImportResult()
    agencies = {a.code: a for a in Agency.objects.all()}
    batch: list[tuple[int, dict[str, Any] | str]] = []

    def flush() -> None:
        with transaction.atomic():
            for line_no, row in batch:
                result.rows += 1
                if isinstance(row, str):
                    result.rejected.append((line_no, "", row))
                    continue
                ref = str(row.get("external_ref") or "")
                try:
                    data = _contact_in(row, agencies)
                    if Contact.objects.filter(
                        source_system=data.source_system, external_ref=data.external_ref
                    ).exists():
                        result.already_present += 1
                        continue
                    _, created = services.contact_receive(
                        data=data, partnership=partnership, route=Contact.Route.IMPORT, by=actor
                    )
                except ValidationError as exc:
                    reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                    result.rejected.append((line_no, ref, reasons))
                    continue
                if created:
                    result.created += 1
                else:
                    result.already_present += 1
        if progress:
            progress(len(batch))
        batch.clear()

    for item in read_rows(path):
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return result


def write_rejects(result: ImportResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "external_ref", "reasons"])
        writer.writerows(result.rejected)


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - (0 if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else 1)
