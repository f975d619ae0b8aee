"""Check an Ofsted Annex A workbook's structure with liiatools' Annex A cleaner (Social Finance).

Runs INSIDE .venv-validators/liia (made by `make validators`: liiatools --no-deps plus the dependencies its
Annex A cleaner imports), never in MACE's environment, and imports neither mace nor Django:

    .venv-validators/liia/bin/python src/mace/exports/validators/run_annex_a.py FILE.xlsx \
        [--la CIT] [--require 1,2,...,11] [--output DIR]

liiatools is the London Innovation and Improvement Alliance's tool and accepts only London councils' three-
letter codes (CIT, HAC, ...). The code is used only to label the cleaned rows, so this is a structure check
for any council: each sheet's header row (row 1) is matched to one of Annex A's lists by its column names,
and every cell is cleaned against the list's code lists, dates, integers and postcodes. Reported as errors:
a cell the cleaner blanks (its value could not be read), a cell that must not be blank and is, a sheet whose
headers match no list, duplicate columns, and a required list that is missing. Extra columns (dropped by
the cleaner) and lists not required are warnings. --output DIR also writes liiatools' cleaned workbook and
its error log there, as its own `annex_a cleanfile` command does. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
from pathlib import Path
from typing import Any

from _common import clean, emit, fail, package_version, report  # the runner's folder is on sys.path


class Refused(Exception):
    """The runner will not run the cleaner on these arguments."""


ALL_LISTS = [f"List {n}" for n in range(1, 12)]
ID_COLUMNS = ("Child Unique ID", "Individual adopter identifier")


def cell_issue(
    rule: str, message: str, sheet: str, table: str | None, cell: Any, row: int | None
) -> dict[str, Any]:
    from openpyxl.utils import get_column_letter

    column = cell.get("column_index")
    coordinate = cell.get("excel_location")
    if not coordinate and column is not None and row is not None:
        coordinate = f"{get_column_letter(column + 1)}{row}"
    return {
        "rule": rule,
        "message": message,
        "child": None,
        "table": table,
        "field": clean(cell.get("column_header")),
        "row": row,
        "cell": clean(coordinate),
        "sheet": sheet,
        "value": clean(cell.get("original_value")),
        "severity": "error",
        "source": "liiatools",
    }


def collect(stream: Any, issues: list[dict[str, Any]], found: list[str]) -> Any:
    """Pass the cleaner's events through, recording what it blanked or refused, by sheet, row and child."""
    from sfdata_stream_parser import events

    sheet = ""
    table: str | None = None
    row: list[dict[str, Any]] = []
    row_number: int | None = None
    child: Any = None
    for event in stream:
        if isinstance(event, events.StartTable):
            sheet = event.get("name", "")
            table = event.get("sheet_name")
            if table:
                found.append(table)
                extra = [c for c in (event.get("extra_columns") or []) if c]
                if extra:
                    issues.append(
                        {
                            "rule": "extra_columns",
                            "message": f"Columns that match no column of {table} are dropped: {extra}",
                            "child": None,
                            "table": table,
                            "field": None,
                            "row": None,
                            "sheet": sheet,
                            "severity": "warning",
                            "source": "liiatools",
                        }
                    )
                if event.get("duplicate_columns"):
                    issues.append(
                        {
                            "rule": "duplicate_columns",
                            "message": event.get("duplicate_columns"),
                            "child": None,
                            "table": table,
                            "field": None,
                            "row": None,
                            "sheet": sheet,
                            "severity": "error",
                            "source": "liiatools",
                        }
                    )
            else:
                issues.append(
                    {
                        "rule": "unmatched_sheet",
                        "message": event.get("match_error")
                        or f"Sheet '{sheet}': its header row matches the columns of no Annex A list",
                        "child": None,
                        "table": None,
                        "field": None,
                        "row": None,
                        "sheet": sheet,
                        "severity": "error",
                        "source": "liiatools",
                    }
                )
        elif isinstance(event, events.StartRow):
            row, child = [], None
            index = event.get("row_index")
            row_number = index + 1 if isinstance(index, int) else None  # the Excel row number
        elif isinstance(event, events.Cell) and table:
            if event.get("column_header") in ID_COLUMNS:
                child = event.get("original_value")
            if event.get("blank_row") == "1":
                pass
            elif event.get("formatting_error") == "1":
                kind = (event.get("other_config") or {}).get("type") or (
                    "postcode" if event.get("column_header") == "Placement postcode" else "code"
                )
                row.append(
                    cell_issue(
                        "blanked",
                        f"{event.get('column_header')}: {event.get('original_value')!r} is not a valid "
                        f"{kind}; liiatools' cleaner blanks it",
                        sheet,
                        table,
                        event,
                        row_number,
                    )
                )
            elif event.get("blank_error") == "1":
                row.append(
                    cell_issue(
                        "blank",
                        f"{event.get('column_header')} must not be blank in {table}",
                        sheet,
                        table,
                        event,
                        row_number,
                    )
                )
        elif isinstance(event, events.EndRow):
            for issue in row:
                issue["child"] = clean(child)
            issues.extend(row)
            row = []
        yield event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--la", default="CIT", help="a London council's code, which liiatools requires")
    parser.add_argument(
        "--require",
        default="1,2,3,4,5,6,7,8,9,10,11",
        help="the list numbers that must be present (default all eleven: liiatools writes no cleaned file "
        "otherwise)",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="write liiatools' cleaned file and log here"
    )
    args = parser.parse_args(argv)
    meta: dict[str, Any] = {
        "validator": "liiatools",
        "version": package_version("liiatools"),
        "ruleset": "annex_a (liiatools annex-a-merge.yml, data-map.yml)",
        "file": str(args.file),
        "la_code": args.la.upper(),
    }
    if not args.file.is_file():
        return fail(meta, f"no such file: {args.file}")
    required = [f"List {n.strip()}" for n in args.require.split(",") if n.strip()]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    printed = io.StringIO()
    issues: list[dict[str, Any]] = []
    found: list[str] = []
    try:
        with contextlib.redirect_stdout(printed):
            from liiatools.datasets.annex_a.lds_annexa_clean import cleaner, degrade, populate
            from liiatools.datasets.annex_a.lds_annexa_clean import configuration as clean_config
            from liiatools.datasets.annex_a.lds_annexa_clean import logger as aa_logger
            from liiatools.datasets.shared_functions.common import flip_dict
            from sfdata_stream_parser.filters.column_headers import promote_first_row
            from sfdata_stream_parser.parser import openpyxl as sf_openpyxl

            config = clean_config.Config()
            la_names = flip_dict(config["data_codes"])
            if args.la.upper() not in la_names:
                raise Refused(f"liiatools accepts only London councils' codes, not {args.la!r}")
            la_code = args.la.upper()
            filename = args.file.resolve().stem
            # As liiatools' `annex_a cleanfile` does, keeping each cell's value as read for the report.
            stream: Any = sf_openpyxl.parse_sheets(str(args.file))
            stream = [
                ev.from_event(ev, la_code=la_code, filename=filename, original_value=ev.get("value"))
                for ev in stream
            ]
            stream = promote_first_row(stream)
            stream = clean_config.configure_stream(stream, config)
            stream = cleaner.clean(stream)
            stream = degrade.degrade(stream)
            stream = aa_logger.log_errors(stream)
            stream = collect(stream, issues, found)
            if args.output:
                from liiatools.datasets.annex_a.lds_annexa_clean import file_creator

                args.output.mkdir(parents=True, exist_ok=True)
                stream = populate.create_la_child_id(stream, la_code=la_code)
                stream = file_creator.save_stream(stream, la_names[la_code], str(args.output))
                stream = aa_logger.save_errors_la(stream, la_log_dir=str(args.output))
            for _ in stream:
                pass
    except Refused as error:
        return fail(meta, str(error))
    except Exception as error:  # a workbook openpyxl cannot read, or the cleaner failing on it
        return fail(meta, f"{type(error).__name__}: {error}")
    finally:
        sys.stderr.write(printed.getvalue())

    for table in ALL_LISTS:
        if table not in found:
            issues.append(
                {
                    "rule": "missing_list",
                    "message": f"{table} is not in the workbook (no sheet's header row matches its columns)",
                    "child": None,
                    "table": table,
                    "field": None,
                    "row": None,
                    "severity": "error" if table in required else "warning",
                    "source": "liiatools",
                }
            )
    meta["lists"] = sorted(set(found), key=lambda name: int(name.split()[1]))
    meta["blanked_cells"] = sum(1 for issue in issues if issue["rule"] == "blanked")
    notes = [
        f"liiatools accepts only London councils' codes: run with {la_code}, which only labels the rows; "
        "this is a structure check (lists, columns, coded values, dates), not a return",
        "each sheet's first row is its header row; sheets are matched to lists by their columns, not titles",
    ]
    emit(report(meta, issues, notes=notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
