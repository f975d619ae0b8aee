# shifted-clocks: pinned
from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "lint_private_imports.py"
spec = importlib.util.spec_from_file_location("lint_private_imports", SCRIPT)
assert spec and spec.loader
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)


def _module(tmp_path: Path, monkeypatch, relative: str, source: str) -> Path:
    root = tmp_path / "src" / "mace"
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    monkeypatch.setattr(lint, "ROOT", root)
    return path


def test_lint_flags_a_private_name_imported_from_another_module(tmp_path, monkeypatch) -> None:
    path = _module(tmp_path, monkeypatch, "missing/services.py", "from mace.frontdoor.services import _x\n")
    assert lint.offences(path) == [
        "src/mace/missing/services.py:1: imports the private name _x from mace.frontdoor.services; "
        "ask its owner for a public function"
    ]


def test_lint_allows_private_names_inside_one_module(tmp_path, monkeypatch) -> None:
    path = _module(tmp_path, monkeypatch, "missing/views.py", "from mace.missing.services import _x\n")
    assert lint.offences(path) == []


def test_project_modules_import_no_private_names_of_other_modules() -> None:
    assert lint.main() == 0
