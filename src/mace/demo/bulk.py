"""Bulk writes for the generator steps: a query per batch of rows, never a query per row.

`create` is Django's `bulk_create` without its per-field, per-row overhead (which was most of the
generator's time): ids are reserved first (the table's sequence on PostgreSQL; on SQLite the next
ids after the highest, safe because a step writes inside one IMMEDIATE transaction that holds the
database's write lock), each column's conversion is chosen once per batch, and the rows go in with
one `executemany`. Like `bulk_create` it sends no signals; `auto_now`/`auto_now_add` fields are set.

The generator is one named system actor loading a synthetic partnership, not people at work, so
the access log gets one honest entry per kind of record a step makes (how many, and the range of
their ids) instead of one entry per row: the chain stays intact and `mace audit verify` passes.
The children themselves are still logged one by one (`people` step), so each child's own access
log shows when their record was made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from mace.core import audit
from mace.core.models import AccessLogEntry

BATCH = 1000
M = TypeVar("M", bound=models.Model)

# Column types whose Python value goes to either database as it is.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
}


def row(model: type[M], **values: Any) -> M:
    """`model(**values)` for rows the generator makes by the hundred thousand: the same instance
    (defaults filled, a related object given by name sets its id and is cached), without Django's
    per-field constructor work, which was a quarter of the generator's time. No signals are sent;
    the generator's models have no receivers."""
    shape = _SHAPES.get(model) or _shape(model)
    keys = values.keys()
    if not keys <= shape.names:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(keys - shape.names))}")
    obj = model.__new__(model)
    state = obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(shape.fixed)
    for attname, factory in shape.factories:
        attributes[attname] = factory()
    attributes.update(values)
    for name in keys & shape.relations.keys():
        related = attributes.pop(name)
        attributes[shape.relations[name]] = None if related is None else related.pk
        if related is not None:
            state.fields_cache[name] = related
    return obj


@dataclass(frozen=True)
class _Shape:
    fixed: dict[str, Any]
    factories: list[tuple[str, Callable[[], Any]]]
    relations: dict[str, str]  # relation name -> its id attribute
    names: frozenset[str]  # every keyword `row` accepts


_SHAPES: dict[type[models.Model], _Shape] = {}


def _shape(model: type[models.Model]) -> _Shape:
    fixed: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            factories.append((f.attname, f.default))
        else:
            fixed[f.attname] = f.get_default()
    relations = {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation}
    shape = _Shape(fixed, factories, relations, frozenset(fixed) | {a for a, _ in factories} | set(relations))
    _SHAPES[model] = shape
    return shape


def create(model: type[M], rows: Sequence[M], *, batch_size: int = BATCH) -> list[M]:
    """Insert every row in batches; each row has its id afterwards."""
    rows = list(rows)
    if not rows:
        return rows
    db = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.generated]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    relations = [(f.name, f.attname) for f in fields if f.is_relation]
    converting = [(i, c) for i, c in enumerate(_converter(f, db) for f in fields) if c is not None]
    columns = ", ".join(db.ops.quote_name(f.column or f.attname) for f in fields)
    table = db.ops.quote_name(opts.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from the model
    # Read from each instance's __dict__: the columns' descriptors cost more than the insert.
    values = itemgetter(*[f.attname for f in fields])
    pk_attname = opts.pk.attname
    now = timezone.now
    with transaction.atomic(using=db.alias, savepoint=False), db.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            unnumbered = [r for r in batch if r.pk is None]
            for r, pk in zip(unnumbered, _reserve_ids(db, model, len(unnumbered)), strict=True):
                r.__dict__[pk_attname] = pk
            params = []
            for r in batch:
                attributes = r.__dict__
                for f in stamped:  # what DateTimeField.pre_save does for auto_now(_add)
                    attributes[f.attname] = now()
                for name, attname in relations:
                    # A row built with a related object saved since (a meeting's invitations).
                    if attributes[attname] is None:
                        related = r._state.fields_cache.get(name)
                        if related is not None:
                            attributes[attname] = related.pk
                record = values(attributes)
                if converting:
                    converted = list(record)
                    for i, convert in converting:
                        converted[i] = convert(converted[i])
                    record = tuple(converted)
                params.append(record)
                r._state.adding = False
                r._state.db = db.alias
            cursor.executemany(sql, params)
    return rows


def _reserve_ids(db: Any, model: type[models.Model], n: int) -> list[int]:
    if n == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    assert column is not None
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return [r[0] for r in cursor.fetchall()]
        # SQLite: past both the highest id and AUTOINCREMENT's record of ids ever used.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX({db.ops.quote_name(column)}) "  # noqa: S608 - names from the model
            f"FROM {db.ops.quote_name(table)}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
        return list(range(last + 1, last + 1 + n))


def _converter(field: models.Field[Any, Any], db: Any) -> Callable[[Any], Any] | None:
    """How a column's Python value is written: None when as it is, or Django's own conversion."""
    kind = field.get_internal_type()
    if field.is_relation or kind in _AS_IS:
        return None
    if db.vendor == "sqlite" and kind == "DateTimeField":

        def to_text(value: Any) -> Any:
            # As Django writes it to SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value.astimezone(UTC).isoformat(" ")[:-6]
            return field.get_db_prep_save(value, db)

        return to_text
    if db.vendor == "sqlite" and kind == "DateField":
        return lambda value: value.isoformat() if type(value) is date else field.get_db_prep_save(value, db)
    return lambda value: field.get_db_prep_save(value, db)


def log_created(actor: audit.Actor, object_type: str, rows: Sequence[Any], **detail: Any) -> None:
    """One access log entry for a batch of records a step made."""
    if not rows:
        return
    ids = [r.pk for r in rows]
    audit.record(
        actor,
        audit.Event(
            AccessLogEntry.Action.CREATE,
            object_type,
            "",
            reason="Synthetic partnership generated in bulk",
            detail={"count": len(ids), "first_id": min(ids), "last_id": max(ids), **detail},
        ),
    )
