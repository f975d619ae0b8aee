"""The statutory validators, run on an export file: the DfE's CIN census and SSDA903 validators and
liiatools' Annex A cleaner.

Each validator lives in its own virtual environment under `.venv-validators/` (made by `make validators`;
they pin pandas<2 and never enter MACE's environment) and is run here as a subprocess of a small runner
script in `validators/`, which prints JSON. Standard library only: nothing here imports Django.

    from mace.exports import validate
    result = validate.run("cin", Path("cin.xml"), year=2026)       # 2026 = the 2025-26 census
    result = validate.run("903", Path("ssda903/"), year=2026)      # a folder of header/episodes/missing CSVs
    result = validate.run("annex_a", Path("annex_a.xlsx"))         # structure checks, London code CIT
    result.ok, result.errors, result.by_child(), result.rules()

`year` is the year the collection ends (31 March): 2026 for 2025-26. docs/exports-validators.md describes
the input each validator expects.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the repository's root: src/mace/exports/validate.py -> four levels up
ROOT = Path(__file__).resolve().parents[3]
RUNNERS = Path(__file__).resolve().parent / "validators"
MAKE_TARGET = "make validators"
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class Validator:
    kind: str
    venv: str
    runner: str
    needs_year: bool
    package: str


VALIDATORS: dict[str, Validator] = {
    "cin": Validator("cin", "cin", "run_cin.py", True, "csc-validator-be-cin"),
    "903": Validator("903", "903", "run_903.py", True, "csc-validator-be-903"),
    "annex_a": Validator("annex_a", "liia", "run_annex_a.py", False, "liiatools"),
}
ALIASES = {"ssda903": "903", "lac": "903", "annexa": "annex_a", "annex-a": "annex_a", "liia": "annex_a"}


class ValidatorError(RuntimeError):
    """A validator could not be run on the file (as opposed to the file failing its rules)."""


class ValidatorUnavailable(ValidatorError):
    """The validator's virtual environment is missing: `make validators` makes it."""


class ValidatorFailed(ValidatorError):
    """The runner refused the arguments, the validator could not read the file, crashed or timed out."""


@dataclass(frozen=True)
class Issue:
    rule: str
    message: str
    child: str | None
    table: str | None
    field: str | None
    row: int | str | None
    #: "error" fails the file; "query" (the DfE's codes ending in Q) and "warning" are shown, not counted
    severity: str
    #: "validator" (the DfE's rules), "liiatools", or "mace" where MACE checks a rule the validator misses
    source: str
    value: Any = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Issue:
        known = {"rule", "message", "child", "table", "field", "row", "severity", "source", "value"}
        child = data.get("child")
        return cls(
            rule=str(data.get("rule")),
            message=str(data.get("message") or ""),
            child=None if child is None else str(child),
            table=data.get("table"),
            field=data.get("field"),
            row=data.get("row"),
            severity=str(data.get("severity") or "error"),
            source=str(data.get("source") or "validator"),
            value=data.get("value"),
            extra={k: v for k, v in data.items() if k not in known},
        )


@dataclass(frozen=True)
class ValidationResult:
    kind: str
    path: Path
    validator: str
    version: str | None
    ruleset: str | None
    issues: tuple[Issue, ...]
    summary: dict[str, Any]
    notes: tuple[str, ...]
    #: the runner's whole JSON, for fields particular to one validator (tables, lists, blanked_cells)
    raw: dict[str, Any]

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def queries(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "query"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors (queries and warnings may remain)."""
        return not self.errors

    def rules(self, *, severity: str | None = None) -> set[str]:
        return {issue.rule for issue in self.issues if severity is None or issue.severity == severity}

    def by_child(self) -> dict[str | None, list[Issue]]:
        """Issues by child (None: the return's header or the whole return)."""
        grouped: dict[str | None, list[Issue]] = defaultdict(list)
        for issue in self.issues:
            grouped[issue.child].append(issue)
        return dict(grouped)

    def by_rule(self) -> dict[str, list[Issue]]:
        grouped: dict[str, list[Issue]] = defaultdict(list)
        for issue in self.issues:
            grouped[issue.rule].append(issue)
        return dict(grouped)


def validator_for(kind: str) -> Validator:
    key = ALIASES.get(kind.lower(), kind.lower())
    if key not in VALIDATORS:
        raise ValueError(f"unknown validator {kind!r}: one of {', '.join(VALIDATORS)}")
    return VALIDATORS[key]


def venvs_dir(root: Path | None = None) -> Path:
    if root is not None:
        return root / ".venv-validators"
    override = os.environ.get("MACE_VALIDATORS_DIR")
    return Path(override) if override else ROOT / ".venv-validators"


def python_for(kind: str, *, root: Path | None = None) -> Path:
    return venvs_dir(root) / validator_for(kind).venv / "bin" / "python"


def available(kind: str, *, root: Path | None = None) -> bool:
    python = python_for(kind, root=root)
    return python.is_file() and os.access(python, os.X_OK)


def command(
    kind: str,
    path: Path,
    *,
    year: int | None = None,
    la: str | None = None,
    extra_args: Sequence[str] = (),
    root: Path | None = None,
) -> list[str]:
    """The subprocess's argument list (no shell)."""
    validator = validator_for(kind)
    if validator.needs_year and year is None:
        raise ValueError(f"the {validator.kind} validator needs the collection year (year=2026 for 2025-26)")
    args = [str(python_for(kind, root=root)), str(RUNNERS / validator.runner), str(path)]
    if validator.needs_year:
        args += ["--year", str(year)]
    if la:
        args += ["--la", la]
    return args + list(extra_args)


def run(
    kind: str,
    path: Path,
    *,
    year: int | None = None,
    la: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    extra_args: Sequence[str] = (),
    root: Path | None = None,
) -> ValidationResult:
    """Run one validator on `path` and return what it found.

    kind: "cin" (an XML file), "903" (a CSV file, or a folder of SSDA903 CSVs), "annex_a" (an xlsx file).
    year: the year the collection ends (2026 = 2025-26); needed for cin and 903.
    la: for 903 the council's 9-character ONS code (placements in or out of area); for annex_a a London
    council's three-letter code (liiatools accepts no other; default CIT).
    extra_args: passed to the runner, e.g. ("--require", "1,2,3") or ("--output", "dir") for annex_a.
    Raises ValidatorUnavailable if the venv is missing, ValidatorFailed if the validator could not run.
    """
    validator = validator_for(kind)
    args = command(kind, path, year=year, la=la, extra_args=extra_args, root=root)
    if not available(kind, root=root):
        raise ValidatorUnavailable(
            f"the {validator.package} validator is not installed ({python_for(kind, root=root)} is missing): "
            f"run `{MAKE_TARGET}`"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "DJANGO_"))}
    try:
        completed = subprocess.run(  # noqa: S603 (a fixed interpreter and script, no shell)
            args, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ValidatorFailed(
            f"the {validator.package} validator took longer than {timeout:.0f}s on {path}"
        ) from error
    payload = _parse(completed.stdout)
    if payload is None:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise ValidatorFailed(
            f"the {validator.package} validator printed no result on {path} "
            f"(exit {completed.returncode}):\n{tail}"
        )
    if payload.get("error"):
        raise ValidatorFailed(f"the {validator.package} validator could not check {path}: {payload['error']}")
    return ValidationResult(
        kind=validator.kind,
        path=path,
        validator=str(payload.get("validator") or validator.package),
        version=payload.get("version"),
        ruleset=payload.get("ruleset"),
        issues=tuple(Issue.from_json(item) for item in payload.get("issues") or []),
        summary=dict(payload.get("summary") or {}),
        notes=tuple(payload.get("notes") or []),
        raw=payload,
    )


def _parse(stdout: str) -> dict[str, Any] | None:
    """The runner's JSON: its last non-empty line of stdout."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None
    return None


if __name__ == "__main__":  # python -m mace.exports.validate cin FILE 2026
    result = run(sys.argv[1], Path(sys.argv[2]), year=int(sys.argv[3]) if len(sys.argv) > 3 else None)
    print(json.dumps(result.raw, indent=2, ensure_ascii=False))
    sys.exit(0 if result.ok else 1)
