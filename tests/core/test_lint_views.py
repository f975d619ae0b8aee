from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "lint_views.py"
spec = importlib.util.spec_from_file_location("lint_views", SCRIPT)
assert spec and spec.loader
lint_views = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint_views)


def test_lint_flags_a_view_that_reads_a_model_directly(tmp_path, monkeypatch) -> None:
    root = tmp_path / "src" / "mace"
    root.mkdir(parents=True)
    bad = root / "views.py"
    bad.write_text(
        "from mace.people.models import Person\n\ndef v(request):\n    return Person.objects.all()\n"
    )
    monkeypatch.setattr(lint_views, "ROOT", root)
    assert lint_views.offences(bad)


def test_project_views_read_only_through_selectors() -> None:
    assert lint_views.main() == 0
