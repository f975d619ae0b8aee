from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mace.accounts.models import ApiToken, Role
from mace.accounts.services import token_authenticate
from mace.cli import app, gunicorn_command
from mace.config.settings.base import database_from_env

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


def _control_socket(command: list[str]) -> str | None:
    if "--no-control-socket" in command:
        return None
    return command[command.index("--control-socket") + 1]


def test_two_instances_get_their_own_gunicorn_control_socket_under_their_var_dir(tmp_path: Path) -> None:
    one = gunicorn_command(host="127.0.0.1", port=8001, workers=1, var=tmp_path / "one")
    two = gunicorn_command(host="127.0.0.1", port=8002, workers=1, var=tmp_path / "two")
    assert _control_socket(one) == str(tmp_path / "one" / "gunicorn-8001.ctl")
    assert _control_socket(two) == str(tmp_path / "two" / "gunicorn-8002.ctl")


def test_the_control_socket_is_switched_off_where_its_path_would_be_too_long(tmp_path: Path) -> None:
    command = gunicorn_command(host="127.0.0.1", port=8001, workers=1, var=tmp_path / ("x" * 100))
    assert _control_socket(command) is None and "--control-socket" not in command


def test_a_request_waiting_for_sqlites_write_lock_gives_up_before_gunicorn_kills_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    options = database_from_env(tmp_path / "mace.sqlite3")["OPTIONS"]
    assert isinstance(options, dict)
    command = gunicorn_command(host="127.0.0.1", port=8001, workers=1, var=tmp_path)
    assert options["timeout"] < int(command[command.index("--timeout") + 1])


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
