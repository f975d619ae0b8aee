"""Validate a Children in Need census XML file with the DfE rules (csc-validator-be-cin).

Runs INSIDE .venv-validators/cin (made by `make validators`), never in MACE's environment, and imports
neither mace nor Django:

    .venv-validators/cin/bin/python src/mace/exports/validators/run_cin.py FILE.xml --year 2026

--year is the year the collection ends (2026 = the 2025-26 census, ruleset cin2025_26; reference date
31 March 2026). Prints one JSON object on stdout (see _common.report); anything the validator prints goes
to stderr.

Known defect covered here: rule 8869 ("21 must stand alone") never fires on XML, because the validator
compares the list of an assessment's factors with the string "21". This runner checks it itself and marks
those issues "source": "mace".
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from _common import clean, emit, fail, package_version, report  # the runner's folder is on sys.path

RULE_8869 = "8869"
MESSAGE_8869 = (
    "The assessment factors code “21” cannot be used in conjunction with any other assessment factors."
)


def ruleset_name(year: int) -> str:
    return f"cin{year - 1}_{str(year)[2:4]}"


def check_8869(tables: dict[str, Any]) -> list[dict[str, Any]]:
    """MACE's own check of rule 8869: an assessment whose factors include 21 has no other factor."""
    factors = tables["AssessmentFactorsList"]
    issues: list[dict[str, Any]] = []
    if factors.empty:
        return issues
    keys = ["LAchildID", "CINdetailsID", "AssessmentID"]
    for key, group in factors.groupby(keys, dropna=False, sort=False):
        codes = [str(code).strip() for code in group["AssessmentFactor"].tolist()]
        if "21" in codes and len(codes) > 1:
            issues.append(
                {
                    "rule": RULE_8869,
                    "message": MESSAGE_8869,
                    "child": clean(key[0]),
                    "table": "Assessments",
                    "field": "AssessmentFactors",
                    "row": None,
                    "value": " ".join(codes),
                    "source": "mace",
                }
            )
    return issues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--year", type=int, required=True, help="the year the collection ends: 2026 = 2025-26"
    )
    args = parser.parse_args(argv)
    ruleset = ruleset_name(args.year)
    meta = {
        "validator": "csc-validator-be-cin",
        "version": package_version("csc-validator-be-cin"),
        "ruleset": ruleset,
        "file": str(args.file),
    }
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            from cin_validator import cin_validator

            module = importlib.import_module(f"cin_validator.rules.{ruleset}")
            root = ET.parse(args.file).getroot()  # noqa: S314
            raw = cin_validator.convert_data(root)
            validator = cin_validator.CinValidator(cin_validator.process_data(raw), module.registry)
            issues: list[dict[str, Any]] = []
            for row in validator.full_issue_df.to_dict("records"):
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
            # Header rules and whole-return (LA level) rules carry no child.
            for row in validator.multichild_issues.drop_duplicates().to_dict("records"):
                issues.append(
                    {
                        "rule": clean(row.get("rule_code")),
                        "message": clean(row.get("rule_description")),
                        "child": None,
                        "table": None,
                        "field": None,
                        "row": None,
                        "source": "validator",
                    }
                )
            issues = [issue for issue in issues if issue["rule"] != RULE_8869 or issue["source"] == "mace"]
            issues.extend(check_8869(raw))
    except ModuleNotFoundError as error:
        if ruleset not in str(error):
            return fail(meta, f"{type(error).__name__}: {error}")
        return fail(meta, f"csc-validator-be-cin has no ruleset {ruleset} for collection year {args.year}")
    except ET.ParseError as error:
        return fail(meta, f"not well-formed XML: {error}")
    except Exception as error:  # the validator's own failure, reported rather than a traceback
        return fail(meta, f"{type(error).__name__}: {error}")
    finally:
        sys.stderr.write(printed.getvalue())
    # The validator prints "Error with rule CODE: ..." for a rule that crashed on the data, and goes on.
    not_run = re.findall(r"^Error with rule (\S+):", printed.getvalue(), flags=re.MULTILINE)
    notes = [
        "rule 8869 is checked by MACE (the validator's own check never fires on XML)",
        "codes ending in Q are the DfE's queries: reported, but they do not count as errors",
    ]
    emit(report(meta, issues, notes=notes, rules_not_run=not_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
