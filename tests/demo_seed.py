"""The demo tree, seeded once per test session, and put back after a test empties the database.

Each test database (one per xdist worker) is seeded once with the two commands `make run` uses
(`load_dictionaries`, `load_demo`) and a copy of its tables is kept in memory. Ordinary tests run in
a transaction on top of it and roll back. Transactional tests (live server, threads) commit, and
Django empties every table after them (TransactionTestCase flushes); after each test the root
conftest calls `put_back_if_gone`, which notices the empty database with one query and restores the
copy in milliseconds instead of seeding again:

- SQLite: the whole database, with SQLite's backup API.
- PostgreSQL: each table's rows, with COPY (exact, no type conversion), in one transaction.
- Any other database: the two commands again.
"""

import io
import os
import sqlite3
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


def seed() -> None:
    """Region codes and the demo tree, as `make run` loads them (both commands skip what exists)."""
    with open(os.devnull, "w") as quiet:
        call_command("load_dictionaries", stdout=quiet)
        call_command("load_demo", stdout=quiet)


@dataclass
class Snapshot:
    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)


# This session's copy (each xdist worker is its own session, with its own test database).
_session: Snapshot | None = None


def seed_session() -> None:
    """Seeds this session's test database and keeps the copy (from django_db_setup, once)."""
    global _session
    seed()
    _session = take()


def session_snapshot() -> Snapshot:
    assert _session is not None, "the test database has not been set up"
    return _session


def put_back_if_gone() -> None:
    """After a test: if the database was emptied, the session's seed goes back (one query if not)."""
    if _session is None:
        return
    was_closed = connection.connection is None
    if not is_present():
        restore(_session)
    # Leave the connection as the test left it: TransactionTestCase closes it, and one left open
    # here would keep PostgreSQL from dropping the test database at the end.
    if was_closed:
        connection.close()


def _tables() -> list[str]:
    """The tables Django's flush empties (every model table, not django_migrations)."""
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def take() -> Snapshot:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot(sqlite=copy)
    if connection.vendor == "postgresql":
        tables = {}
        with connection.cursor() as cursor:
            for table in _tables():
                buffer = io.BytesIO()
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                if buffer.tell():
                    tables[table] = buffer.getvalue()
        return Snapshot(tables=tables)
    return Snapshot()


def is_present() -> bool:
    """Whether the demo tree is in the database (a flush removes every row, so one table tells)."""
    from title_review.accounts.models import User

    return User.objects.filter(username="hzadmin").exists()


def restore(snapshot: Snapshot) -> None:
    connection.ensure_connection()
    if snapshot.sqlite is not None:
        snapshot.sqlite.backup(connection.connection)
    elif snapshot.tables:
        with transaction.atomic(), connection.cursor() as cursor:
            # After a flush the post_migrate handlers have created content types and permissions
            # again, under new ids; the copy brings back the original ones.
            # Table names come from Django's introspection of its own models, not from input.
            for table in map(connection.ops.quote_name, _tables()):
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
                if cursor.fetchone()[0]:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            for table, rows in snapshot.tables.items():
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(rows)
            # A flush may have reset the sequences (`manage.py flush` does); new rows must not
            # collide with the restored ones.
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)
    else:
        seed()
    ContentType.objects.clear_cache()
