"""What the validator runners share: their JSON report on stdout. Standard library only; runs inside a
validator's own virtual environment (Python 3.11) and never imports mace or Django."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from importlib import metadata
from typing import Any


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def clean(value: Any) -> Any:
    """A validator's cell as JSON: NaN/NA/None to None, numpy scalars to Python, the rest to str."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        pass
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return clean(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, int | float):
        return value
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


def severity(rule: Any) -> str:
    """The DfE's codes ending in Q are queries ("please check and either amend or provide a reason"), which
    do not stop a return; every other code is an error."""
    return "query" if str(rule).upper().endswith("Q") else "error"


def report(
    meta: dict[str, Any],
    issues: list[dict[str, Any]],
    *,
    notes: list[str] | None = None,
    rules_not_run: list[str] | None = None,
) -> dict[str, Any]:
    for issue in issues:
        issue.setdefault("severity", severity(issue["rule"]))
    errors = [issue for issue in issues if issue["severity"] == "error"]
    by_rule = Counter(str(issue["rule"]) for issue in issues)
    children = {issue["child"] for issue in errors if issue.get("child") is not None}
    return {
        **meta,
        "ok": not errors,
        "issues": issues,
        "summary": {
            "errors": len(errors),
            "queries": sum(1 for issue in issues if issue["severity"] == "query"),
            "warnings": sum(1 for issue in issues if issue["severity"] == "warning"),
            "children_with_errors": len(children),
            "by_rule": dict(sorted(by_rule.items())),
            "rules_not_run": sorted(set(rules_not_run or [])),
        },
        "notes": notes or [],
        "error": None,
    }


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def fail(meta: dict[str, Any], message: str) -> int:
    """The validator could not run on the file (not the same as the file failing its rules): exit 2."""
    emit({**meta, "ok": False, "issues": [], "summary": None, "notes": [], "error": message})
    return 2
