"""Shared set-up for the benchmarks: a fresh database, percentiles, Django."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.config.settings.dev")
    os.environ["MACE_DEMO_MODE"] = "1"
    os.environ["MACE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("MACE_VAR_DIR", str(ROOT / "var" / "bench"))


def fresh_database() -> None:
    """Drop and recreate the PostgreSQL database named by DATABASE_URL, or delete the scratch SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        var = Path(os.environ["MACE_VAR_DIR"])
        var.mkdir(parents=True, exist_ok=True)
        for f in var.glob("mace.sqlite3*"):
            f.unlink()


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
