"""Fail if a view or API module reads a model directly instead of through a user-scoped selector.

Views and API endpoints may only parse, call selectors and services, and render. Any `X.objects`
or `X._default_manager` in `views.py` or `api.py` is an access path the policy never saw.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "mace"
FORBIDDEN = {"objects", "_default_manager", "_base_manager"}


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            found.append(
                f"{path.relative_to(ROOT.parents[1])}:{node.lineno}: reads a model manager directly; "
                "use a selector that takes the user"
            )
    return found


def main() -> int:
    files = [p for p in ROOT.rglob("*.py") if p.name in ("views.py", "api.py")]
    problems = [line for path in sorted(files) for line in offences(path)]
    for line in problems:
        print(line)
    print(f"lint_views: {len(files)} view modules checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
