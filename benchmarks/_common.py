"""Shared set-up for the benchmarks: a fresh database, percentiles, Django."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

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


def insert_rows(model: Any, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of database-ready values (`columns` are the model's column names) in one transaction:
    COPY on PostgreSQL, executemany on SQLite. Padding a million rows through model instances and
    bulk_create spent most of its time in Python; this skips the instances."""
    from django.db import connection, transaction

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's own cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(n=Max("pk"))["n"] or 0) + 1


def reset_sequence(model: Any) -> None:
    """After rows were inserted with their ids given, PostgreSQL's sequence must move past them."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)


def prepared(obj: Any, fields: list[Any]) -> list[Any]:
    """An instance's values as the database takes them (JSON encoded, datetimes adapted)."""
    from django.db import connection

    out = []
    for f in fields:
        value = f.get_db_prep_save(getattr(obj, f.attname), connection)
        if hasattr(value, "obj") and connection.vendor == "postgresql":  # psycopg's Jsonb wrapper
            value = json.dumps(value.obj, cls=getattr(f, "encoder", None))
        out.append(value)
    return out


def db_datetime(value: Any) -> Any:
    from django.db import connection

    return None if value is None else connection.ops.adapt_datetimefield_value(value)
