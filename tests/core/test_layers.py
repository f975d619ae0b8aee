"""The layer contracts in pyproject.toml (import-linter, run by `make lint`) refuse an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own linter on our own tree
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src" / "mace", tmp_path / "src" / "mace", ignore=shutil.ignore_patterns("static"))
    return tmp_path


def test_the_project_keeps_its_layer_contracts(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_importing_a_journey_module_breaks_the_layers(tree: Path) -> None:
    (tree / "src" / "mace" / "core" / "upward.py").write_text("from mace.missing import selectors\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "mace.core.upward -> mace.missing.selectors" in result.stdout


def test_a_service_importing_the_demo_generator_breaks_its_contract(tree: Path) -> None:
    (tree / "src" / "mace" / "plans" / "leak.py").write_text("from mace.demo import names\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "mace.plans.leak -> mace.demo.names" in result.stdout
