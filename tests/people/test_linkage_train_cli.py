"""`mace linkage train`: from the register (source records against children) and from demo data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mace.cli import app
from mace.demo.generate import generate
from mace.people.matching import Record, decide, load_model

pytestmark = pytest.mark.django_db


def test_training_on_the_register_writes_a_model_the_matcher_loads(tmp_path) -> None:
    generate(children=300, seed=31)
    out = tmp_path / "model.json"

    result = CliRunner().invoke(app, ["linkage", "train", "--out", str(out), "--version", "register-test-1"])

    assert result.exit_code == 0, result.output
    assert "Calibration on the labelled pairs" in result.output
    model = load_model(out)
    assert model.version == "register-test-1"
    assert "the register" in model.trained_on
    assert json.loads(out.read_text())["notes"]["calibration"]
    assert 0 < model.prior_probability < 0.5


def test_training_refuses_an_empty_register(tmp_path) -> None:
    out = tmp_path / "model.json"

    result = CliRunner().invoke(app, ["linkage", "train", "--out", str(out)])

    assert result.exit_code == 1
    assert "Nothing to train on" in result.output
    assert not out.exists()


def test_training_on_demo_data_needs_no_database_and_its_version_reaches_decisions(tmp_path) -> None:
    out = tmp_path / "model.json"

    result = CliRunner().invoke(
        app, ["linkage", "train", "--demo", "--children", "1500", "--incoming", "800", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    model = load_model(out)
    assert model.version.startswith("demo-")
    child = Record(given_names="Ada", family_name="Lovelace")
    assert decide(child, [child], model=model).model_version == model.version
