"""Inserting many rows at once (bulk imports, ADR 0026).

On PostgreSQL rows go in with COPY: Django's `bulk_create` spends most of its time building one large
INSERT statement in Python (every value prepared, then quoted into the SQL by the driver), which for a
10,000-row import costs as much as everything else together; COPY streams the same values through the
driver's C adapters. Elsewhere (SQLite, `make run`) `bulk_create` does the job.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

from .stored_text import check_stored_text

COPY_ROWS = 1000  # `batch_size` of bulk_create where COPY is not available


def insert_models(model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = COPY_ROWS) -> None:
    """Insert unsaved model instances, giving each its primary key, as `bulk_create` does.

    On PostgreSQL the keys are taken from the table's sequence with one query and the rows copied in
    with one COPY; fields are filled as an INSERT would fill them (`auto_now_add` and `auto_now`, the
    field's own preparation of its value). Errors are Django's (an IntegrityError on a duplicate), and the
    `DomainError` of a text with an invisible character, before anything is written.
    Models with multi-table inheritance or without an auto-incremented key are not handled.
    """
    if not objects:
        return
    for obj in objects:  # what the pre_save backstop does for a single save (core.stored_text)
        check_stored_text(obj)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return
    meta = model._meta
    key = meta.pk
    if key is None or not isinstance(key, AutoFieldMixin) or meta.parents:
        raise TypeError(f"insert_models: {meta.label} needs an auto-incremented key and no parent model")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, key.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = list(meta.concrete_fields)
    prepared = [(field, _plain_type(field)) for field in fields]
    rows = (
        [
            value if value is None or type(value) is plain else field.get_db_prep_save(value, connection)
            for field, plain in prepared
            for value in (field.pre_save(obj, True),)
        ]
        for obj in objects
    )
    copy_rows(connection, meta.db_table, [field.column for field in fields], rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


# Fields whose value of exactly this type goes to the database as it is (their preparation returns it
# unchanged): most of a row's values skip `get_db_prep_save`. Exact field classes only — a subclass may
# prepare its values differently.
_PLAIN_TYPES: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.BooleanField: bool,
    models.DateField: dt.date,
}


def _plain_type(field: models.Field) -> type | None:
    if type(field) is models.ForeignKey:
        return _plain_type(field.target_field)
    return _PLAIN_TYPES.get(type(field))


def copy_rows(connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows of values into a PostgreSQL table in one statement (counted as one query in debug
    and tests); a failure is raised as Django's database error."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
