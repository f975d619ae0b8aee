from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mace.accounts.models import ApiToken, Role
from mace.accounts.services import token_authenticate
from mace.cli import app

pytestmark = pytest.mark.django_db


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    for command in ("demo", "seed", "serve", "worker", "audit", "token", "migrate", "manage"):
        assert command in result.output


def test_token_create_prints_a_working_token(make_user) -> None:
    user = make_user(Role.POLICE_OFFICER)
    result = CliRunner().invoke(app, ["token", "create", user.username, "--name", "records system"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert token_authenticate(raw) == user
    assert ApiToken.objects.get().token_hash != raw


def test_token_create_for_an_unknown_user_fails() -> None:
    assert CliRunner().invoke(app, ["token", "create", "nobody"]).exit_code == 2


def test_seed_ends_with_a_summary() -> None:
    result = CliRunner().invoke(app, ["seed", "--children", "30", "--seed", "4", "--no-migrate"])
    assert result.exit_code == 0, result.output
    assert "Synthetic partnership generated" in result.output and "Children" in result.output


def test_seed_summary_shows_each_step_with_its_time() -> None:
    from mace.demo.registry import STEPS

    result = CliRunner().invoke(
        app, ["seed", "--children", "20", "--seed", "4", "--no-migrate"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    summary = result.output.split("Synthetic partnership generated in", 1)[1]
    assert "children a second" in summary
    for s in STEPS:
        assert s.name in summary
