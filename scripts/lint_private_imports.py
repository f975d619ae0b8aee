"""Fail if a module imports another module's private name (`from mace.missing.reports import _ranked`).

A leading underscore says "not part of this module's interface": another module that needs it should ask
for a public function in the owner's selectors or services. Names inside one module (mace.<module>.*) may
share private helpers; tests may import anything.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "mace"


def module_of(dotted: str) -> str:
    parts = dotted.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else dotted


def offences(path: Path) -> list[str]:
    own = module_of(".".join(("mace", *path.relative_to(ROOT).with_suffix("").parts)))
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if not node.module.startswith("mace.") or module_of(node.module) == own:
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(
                    f"{path.relative_to(ROOT.parents[1])}:{node.lineno}: imports the private name "
                    f"{alias.name} from {node.module}; ask its owner for a public function"
                )
    return found


def main() -> int:
    files = [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]
    problems = [line for path in sorted(files) for line in offences(path)]
    for line in problems:
        print(line)
    print(f"lint_private_imports: {len(files)} modules checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
