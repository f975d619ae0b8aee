"""Validate SSDA903 (children looked after) CSV files with the DfE rules (csc-validator-be-903).

Runs INSIDE .venv-validators/903 (made by `make validators`; lac_validator pins pandas<2), never in MACE's
environment, and imports neither mace nor Django:

    .venv-validators/903/bin/python src/mace/exports/validators/run_903.py PATH --year 2026 [--la E09000027]

PATH is one CSV file or a folder whose *.csv files are read together (the validator tells each table by its
exact set of column names: header.csv, episodes.csv, missing.csv, ...). --year is the year the collection
ends (2026 = 2025-26, ruleset lac2025_26: 1 April 2025 to 31 March 2026). --la is the council's 9-character
ONS code, used only to tell placements in and out of area. Prints one JSON object on stdout.

Known defect covered here: lac_validator.create_issue_df raises "ValueError: No objects to concatenate" on
files with no errors; that is an empty list of issues here.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
from pathlib import Path
from typing import Any

from _common import clean, emit, fail, package_version, report  # the runner's folder is on sys.path


def ruleset_name(year: int) -> str:
    return f"lac{year - 1}_{str(year)[2:4]}"


def csv_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    return [path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument(
        "--year", type=int, required=True, help="the year the collection ends: 2026 = 2025-26"
    )
    parser.add_argument(
        "--la", default="E09000027", help="the council's ONS code (placements in/out of area)"
    )
    args = parser.parse_args(argv)
    ruleset = ruleset_name(args.year)
    files = csv_files(args.path)
    meta = {
        "validator": "csc-validator-be-903",
        "version": package_version("csc-validator-be-903"),
        "ruleset": ruleset,
        "file": str(args.path),
        "files": [str(p) for p in files],
    }
    if not files:
        return fail(meta, f"no CSV files in {args.path}")
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        return fail(meta, f"no such file: {', '.join(missing)}")
    # The validator logs at INFO from import on; keep it to warnings, on stderr.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.environ.setdefault("QLACREF_PC_INSECURE", "True")
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            import importlib

            from lac_validator import lac_validator
            from lac_validator.report import Report
            from lac_validator.types import UploadedFile

            logging.getLogger().setLevel(logging.WARNING)
            module = importlib.import_module(f"lac_validator.rules.{ruleset}")
            uploads = [
                UploadedFile(name=str(p), description="This year", file_content=p.read_bytes()) for p in files
            ]
            validator = lac_validator.LacValidator(
                metadata={"collectionYear": str(args.year), "localAuthority": args.la},
                files=uploads,
                registry=module.registry,
                selected_rules=None,
            )
            result = Report(validator.ds_results, module.registry)
            try:
                issue_df = lac_validator.create_issue_df(result.report, result.error_report)
                rows = issue_df.to_dict("records")
            except ValueError as error:
                if "No objects to concatenate" not in str(error):
                    raise
                rows = []  # the known defect: no rule failed, so there was nothing to concatenate
            tables = sorted(validator.dfs)
            not_run = [str(code) for code in validator.fails]
    except ModuleNotFoundError as error:
        if ruleset not in str(error):
            return fail(meta, f"{type(error).__name__}: {error}")
        return fail(meta, f"csc-validator-be-903 has no ruleset {ruleset} for collection year {args.year}")
    except Exception as error:  # an upload the validator refuses (unknown columns, ...), reported as such
        return fail(meta, f"{type(error).__name__}: {error}")
    finally:
        sys.stderr.write(printed.getvalue())

    issues: list[dict[str, Any]] = []
    for row in rows:
        issues.append(
            {
                "rule": clean(row.get("rule_code")),
                "message": clean(row.get("rule_description")),
                "child": clean(row.get("child_id")),
                "table": clean(row.get("tables_affected")),
                "field": clean(row.get("columns_affected")),
                "row": clean(row.get("row_id")),
                "source": "validator",
            }
        )
    meta["tables"] = tables
    notes = [
        "rules whose tables were not supplied are skipped by the validator",
        "codes ending in Q are the DfE's queries: reported, but they do not count as errors",
    ]
    emit(report(meta, issues, notes=notes, rules_not_run=not_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
