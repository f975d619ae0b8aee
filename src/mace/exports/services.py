"""Exports' writes: asking for a return, making it (in the worker, or in the CLI with a progress bar), and
recording what it found. Every request and every download is in the access log as an export.

Making a return reads the records in a few large queries and then works in memory; it writes its own
progress in short transactions, so it never holds the database's write lock for the run."""

from __future__ import annotations

import logging
import shutil
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mace.accounts.models import Partnership, User
from mace.accounts.selectors import figure_partnership_ids
from mace.core import audit
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry

from . import annex_a, cin, mappings, records, ssd, ssda903
from .models import ExportRun, Kind, Problem
from .years import CollectionYear, YearError

logger = logging.getLogger(__name__)
SYSTEM = audit.Actor.system("exports")
STALE_AFTER = timedelta(minutes=30)  # a run with no progress for this long was lost with its worker
YEARLY = (Kind.CIN, Kind.SSDA903)
# Fields of the returns MACE does not hold (where a child is placed: postcodes, the derived placement
# authority and location, the provider's URN). They are left empty, and what a validator says of them is
# recorded as "not held" for the council to fill from its own system, not as an error of MACE's extract.
NOT_HELD: dict[str, frozenset[str]] = {
    Kind.SSDA903: frozenset({"HOME_POST", "PL_POST", "PL_LA", "PL_LOCATION", "URN"}),
    Kind.ANNEX_A: frozenset(
        {"Placement postcode", "Placement Location", "LA of Placement", "URN of Placement"}
    ),
}


class ExportRefused(PermissionError):
    pass


def export_root() -> Path:
    return Path(getattr(settings, "MACE_EXPORTS_DIR", "") or (Path(settings.VAR_DIR) / "exports"))


def run_dir(run: ExportRun) -> Path:
    return export_root() / str(run.pk)


def _require(by: User, partnership_id: int) -> audit.Actor:
    if not capabilities(by).statutory_exports:
        raise ExportRefused("Only a partnership analyst can make statutory returns.")
    if partnership_id not in figure_partnership_ids(by):
        raise ExportRefused("You do not work for that partnership.")
    return audit.Actor.of(by)


def export_request(
    *,
    kind: str,
    partnership_id: int,
    year: str | int | None,
    validate: bool = True,
    by: User,
    today: date | None = None,
) -> ExportRun:
    """Ask for a return. Refused (ValidationError naming the field) for an unknown kind or a collection
    year that has not started; refused (ExportRefused) for a reader who may not make it."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [f"Choose one of: {', '.join(Kind.values)}"]
    actor = _require(by, partnership_id)
    chosen: CollectionYear | None = None
    if kind in YEARLY:
        if year in (None, ""):
            errors["year"] = ["Enter the collection year, for example 2026 for April 2025 to March 2026"]
        else:
            try:
                chosen = CollectionYear.parse(str(year), today=today)
            except YearError as exc:
                errors["year"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    as_of = chosen.until(today) if chosen else today
    with transaction.atomic():
        run = ExportRun.objects.create(
            kind=kind,
            partnership_id=partnership_id,
            year=chosen.year if chosen else None,
            as_of=as_of,
            validate=validate,
            requested_by=by,
            requested_by_label=actor.label,
            requested_at=timezone.now(),
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.EXPORT,
                "export_run",
                str(run.pk),
                detail={"kind": kind, "partnership": partnership_id, "year": run.year, "step": "requested"},
            ),
        )
    return run


def _progress_writer(run: ExportRun, every: float = 1.0) -> Callable[[str, int, int], None]:
    last = [0.0]

    def write(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < every and done < total:
            return
        last[0] = now
        ExportRun.objects.filter(pk=run.pk).update(stage=stage, done=done, total=total)

    return write


def export_make(run: ExportRun, *, progress: Callable[[str, int, int], None] | None = None) -> ExportRun:
    """Make the return the run asked for: read, check, write the file, validate, record the problems.
    A failure marks the run failed with the reason; the file, if written, is kept for inspection."""
    saved = _progress_writer(run)

    def tell(stage: str, done: int, total: int) -> None:
        saved(stage, done, total)
        if progress is not None:
            progress(stage, done, total)

    ExportRun.objects.filter(pk=run.pk).update(
        status=ExportRun.Status.RUNNING, started_at=timezone.now(), error="", stage="Reading the records"
    )
    folder = run_dir(run)
    if folder.exists():
        shutil.rmtree(folder)  # a run started again begins afresh: nothing half-written survives
    folder.mkdir(parents=True)
    try:
        children, issues = records.build(
            run.partnership_id,
            until=run.as_of,
            progress=lambda d, t: tell("Reading the records", d, t),
        )
        Problem.objects.filter(run=run).delete()
        _save_problems(run, Problem.Source.DATA_QUALITY, [_issue_row(i) for i in issues])
        out = records.exportable(children)
        name, counts = _write(run, out, folder, lambda d, t: tell("Writing the file", d, t))
        run.file_name = name
        run.file_size = (folder / name).stat().st_size
        run.counts = counts
        if run.validate:
            tell("Running the official validator", 0, 1)
            _validate(run, folder)
            tell("Running the official validator", 1, 1)
        run.status = ExportRun.Status.DONE
    except Exception as exc:  # recorded on the run, shown to the analyst, logged in full
        logger.exception("Export %s failed", run.pk)
        run.status = ExportRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
    run.finished_at = timezone.now()
    run.stage = ""
    with transaction.atomic():
        run.save()
        audit.record(
            SYSTEM,
            audit.Event(
                AccessLogEntry.Action.EXPORT,
                "export_run",
                str(run.pk),
                detail={
                    "kind": run.kind,
                    "partnership": run.partnership_id,
                    "status": run.status,
                    "counts": run.counts,
                    "step": "made",
                },
            ),
        )
    return run


def _issue_row(issue: records.Issue) -> dict[str, Any]:
    return {
        "severity": issue.severity,
        "rule": "",
        "child": issue.la_child_id,
        "person_id": issue.person_id,
        "field": issue.field,
        "message": issue.problem,
        "fix": issue.fix,
    }


def _save_problems(run: ExportRun, source: str, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        with transaction.atomic():
            Problem.objects.bulk_create(
                [Problem(run=run, source=source, **row) for row in rows[start : start + 2000]]
            )


def _write(
    run: ExportRun, children: list[records.ChildReturn], folder: Path, progress: Callable[[int, int], None]
) -> tuple[str, dict[str, int]]:
    code = Partnership.objects.filter(pk=run.partnership_id).values_list("code", flat=True).first() or "mace"
    if run.kind == Kind.CIN:
        assert run.year is not None
        year = CollectionYear(run.year)
        name = f"cin-census-{code}-{year.year}.xml"
        header = cin.Header(year=year, la_code=mappings.la_code(code), made_at=timezone.localtime())
        with (folder / name).open("w", encoding="utf-8") as out:
            n = cin.write(out, children, header, until=run.as_of, progress=progress)
        return name, {"children": n}
    if run.kind == Kind.SSDA903:
        assert run.year is not None
        year = CollectionYear(run.year)
        tables = ssda903.tables(children, year, until=run.as_of, progress=progress)
        parts = {
            "header": (ssda903.HEADER, tables.header),
            "episodes": (ssda903.EPISODES, tables.episodes),
            "missing": (ssda903.MISSING, tables.missing),
        }
        for part, (columns, rows) in parts.items():
            with (folder / f"{part}.csv").open("w", encoding="utf-8", newline="") as out:
                ssda903.write_csv(out, columns, rows)
        name = f"ssda903-missing-{code}-{year.year}.zip"
        with zipfile.ZipFile(folder / name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                archive.write(folder / f"{part}.csv", f"{part}.csv")
        return name, {part: len(rows) for part, (_c, rows) in parts.items()}
    if run.kind == Kind.ANNEX_A:
        name = f"annex-a-{code}-{run.as_of.isoformat()}.xlsx"
        with (folder / name).open("wb") as out:
            counts = annex_a.write(out, children, on=run.as_of, progress=progress)
        return name, counts
    name = f"ssd-{code}-{run.as_of.isoformat()}.zip"
    with (folder / name).open("wb") as out:
        counts = ssd.write(
            out, children, source_names=mappings.REFERRAL_SOURCE_CODES, on=run.as_of, progress=progress
        )
    return name, counts


def _validate(run: ExportRun, folder: Path) -> None:
    from . import validate

    kind = {"cin": "cin", "ssda903": "903", "annex_a": "annex_a"}.get(run.kind)
    if kind is None:
        run.validation = ExportRun.Validation.NOT_RUN
        run.validation_summary = {"note": "The Standard Safeguarding Dataset has no official validator."}
        return
    target = folder / run.file_name if run.kind != Kind.SSDA903 else folder
    try:
        result = validate.run(kind, target, year=run.year, timeout=settings.MACE_VALIDATOR_TIMEOUT)
    except validate.ValidatorUnavailable as missing:
        run.validation = ExportRun.Validation.UNAVAILABLE
        run.validation_summary = {"note": str(missing)}
        return
    except validate.ValidatorFailed as failed:  # it could not run (a timeout, a crash): the file stands
        run.validation = ExportRun.Validation.UNAVAILABLE
        run.validation_summary = {"note": f"The validator could not check the file: {failed}"}
        return
    by_source: dict[Problem.Source, list[dict[str, Any]]] = {
        Problem.Source.VALIDATOR: [],
        Problem.Source.MACE_RULE: [],
    }
    not_held = NOT_HELD.get(run.kind, frozenset())
    misread = _still_missing_rows(folder) if run.kind == Kind.SSDA903 else set()
    errors = 0
    for issue in result.issues:
        source = Problem.Source.MACE_RULE if issue.source == "mace" else Problem.Source.VALIDATOR
        severity = "not_held" if (issue.field or "") in not_held else issue.severity
        if str(issue.rule) in MISREAD_903 and _row(issue.row) in misread:
            severity = "defect"
        errors += severity == "error"
        by_source[source].append(
            {
                "severity": severity,
                "rule": str(issue.rule)[:40],
                "child": str(issue.child or "")[:40],
                "person_id": None,
                "field": str(issue.field or "")[:80],
                "message": issue.message,
                "fix": "",
            }
        )
    for source, rows in by_source.items():
        _save_problems(run, source, rows)
    run.validation = ExportRun.Validation.FAILED if errors else ExportRun.Validation.PASSED
    run.validation_summary = {
        "errors": errors,
        "not_held": sum(1 for rows in by_source.values() for r in rows if r["severity"] == "not_held"),
        "validator_defects": sum(1 for rows in by_source.values() for r in rows if r["severity"] == "defect"),
        "queries": len(result.queries),
        "warnings": len(result.warnings),
        "validator": result.validator,
        "version": result.version,
        "ruleset": result.ruleset,
        "notes": list(result.notes),
    }


# The SSDA903 validator (0.1.17) flags every missing period with no end date under rules 575 and 577, even
# when the child is still looked after (the rules are meant only for a child whose care ended): a child
# missing on the last day counted cannot pass. Those findings are kept, as "validator defect".
MISREAD_903 = frozenset({"575", "577"})


def _row(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _still_missing_rows(folder: Path) -> set[int]:
    """The missing table's rows (0-based) with no end date whose child's care had not ended."""
    import csv

    open_care: set[str] = set()
    with (folder / "episodes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["DEC"]:
                open_care.add(row["CHILD"])
    with (folder / "missing.csv").open(encoding="utf-8") as f:
        return {
            n for n, row in enumerate(csv.DictReader(f)) if not row["MIS_END"] and row["CHILD"] in open_care
        }


def export_download(*, run: ExportRun, by: User) -> Path:
    """The file to send, with the download in the access log. Refused as export_request is."""
    actor = _require(by, run.partnership_id)
    if run.status != ExportRun.Status.DONE or not run.file_name:
        raise FileNotFoundError("This export has no file yet.")
    path = run_dir(run) / run.file_name
    if not path.exists():
        raise FileNotFoundError("The file has been removed.")
    with transaction.atomic():
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.EXPORT,
                "export_run",
                str(run.pk),
                detail={"kind": run.kind, "file": run.file_name, "step": "downloaded"},
            ),
        )
    return path


def make_queued(now: datetime) -> int:
    """The worker's job: make every queued export, and start again any run its worker lost."""
    stale = ExportRun.objects.filter(status=ExportRun.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    stale.update(status=ExportRun.Status.QUEUED)
    made = 0
    for run in ExportRun.objects.filter(status=ExportRun.Status.QUEUED).order_by("requested_at", "pk")[:5]:
        export_make(run)
        made += 1
    return made
