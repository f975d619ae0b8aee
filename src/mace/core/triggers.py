"""Database triggers that make the access log append-only, on SQLite and PostgreSQL.

The triggers are the second line of defence: the hash chain detects what a database superuser
could still do (drop the trigger, edit a row). Tests that flush the database drop and restore them.
"""

from __future__ import annotations

from typing import Any

TABLE = "core_accesslogentry"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS accesslog_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS accesslog_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS accesslog_no_update", "DROP TRIGGER IF EXISTS accesslog_no_delete"]

PG_CREATE = [
    """CREATE OR REPLACE FUNCTION accesslog_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the access log is append-only'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS accesslog_no_change ON {TABLE}",
    f"""CREATE TRIGGER accesslog_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION accesslog_append_only()""",
    f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION accesslog_append_only()""",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS accesslog_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS accesslog_no_truncate ON {TABLE}",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    _run(connection, PG_CREATE if connection.vendor == "postgresql" else SQLITE_CREATE)


def remove(connection: Any) -> None:
    _run(connection, PG_DROP if connection.vendor == "postgresql" else SQLITE_DROP)
