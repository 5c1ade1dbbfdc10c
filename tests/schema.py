"""The test databases' schema: the models' tables in one pass, then what the project's migrations add to them.

Applying the ~100 migrations one by one renders the models' historical state again for nearly every operation:
about 14 s for each test database on a 2-core machine (each xdist worker, each CI pass), against under a second
to create the same tables from the models, as `migrate --run-syncdb` does for an app without migrations. So the
suite's databases are built that way (the root conftest turns pytest-django's migrations off), and then
`complete()` adds what only the migrations hold — the project's RunPython and RunSQL operations, replayed in the
migrations' order: the audit tables' append-only triggers, PostgreSQL's NULLS LAST indexes, the dictionaries'
generation row and triggers — and records every migration as applied, as `migrate` would.

Other apps' RunPython operations only convert rows of older versions (an empty database has none) and are not
replayed. tests/test_schema.py shows the result is the migrated database: it builds one database each way, on
the suite's own database engine, and compares tables, columns, indexes, constraints, triggers, functions and
rows; `make run` and the production smoke apply the migrations themselves.
"""

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps as current_apps
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython, RunSQL, SeparateDatabaseAndState
from django.test.utils import override_settings

PROJECT = "title_review."

# The settings' own MIGRATION_MODULES (Django's default: each app's `migrations` package), read before
# pytest-django replaces it for the session; `complete()` needs the real migrations to read their operations.
MIGRATION_MODULES: dict[str, str | None] = {}


class _NoMigrations(dict):
    """MIGRATION_MODULES under which every app counts as one without migrations (tables from the models)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


class _Current:
    """The state RunPython hands its function: the current models, which match an empty database built from them."""

    apps = current_apps

    def clear_delayed_apps_cache(self) -> None:
        pass


@contextmanager
def migrations_off() -> Iterator[None]:
    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        yield


def _project_apps() -> set[str]:
    return {config.label for config in current_apps.get_app_configs() if config.name.startswith(PROJECT)}


def complete(connection: BaseDatabaseWrapper) -> int:
    """Replays the project migrations' RunPython and RunSQL operations on a database whose tables were created
    from the models, and records every migration as applied. Returns the number of operations replayed."""
    with override_settings(MIGRATION_MODULES=MIGRATION_MODULES):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    ours = _project_apps()
    replayed = 0
    state: Any = _Current()
    for migration, backwards in plan:
        assert not backwards
        if migration.app_label in ours:
            special = []
            for operation in migration.operations:
                if isinstance(operation, SeparateDatabaseAndState):
                    raise NotImplementedError(
                        f"{migration.app_label}.{migration.name}: SeparateDatabaseAndState is not replayed "
                        "(tests/schema.py); build the test databases with the migrations or teach complete() it"
                    )
                if isinstance(operation, RunPython | RunSQL):
                    special.append(operation)
            if special:
                with connection.schema_editor(atomic=migration.atomic) as editor:
                    for operation in special:
                        operation.database_forwards(migration.app_label, editor, state, state)
                replayed += len(special)
        executor.record_migration(migration)
    return replayed


def build(connection: BaseDatabaseWrapper) -> None:
    """An empty database built as the suite builds its own: the models' tables, then `complete()`."""
    from django.core.management import call_command

    with migrations_off():
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False, database=connection.alias)
    complete(connection)


# Rows compared without the ids that only follow the order of creation: content types and permissions are made
# after the tables in both ways, not in the same order; django_migrations without the time each was applied.
ROWS = {
    "django_content_type": "SELECT app_label, model FROM django_content_type",
    "auth_permission": "SELECT t.app_label, t.model, p.codename, p.name FROM auth_permission p "
    "JOIN django_content_type t ON t.id = p.content_type_id",
    "django_migrations": "SELECT app, name FROM django_migrations",
}
POSITIONAL = re.compile(r"^(fk_\d+|__unnamed_constraint_\d+__|sqlite_autoindex_.+)$")


def _every_column(connection: BaseDatabaseWrapper, table: str, columns: dict[str, Any]) -> str:
    """Every column, in the order of their names (a migration adds a column after the others; a table made from
    the model has it where the model declares it)."""
    quote = connection.ops.quote_name
    return f"SELECT {', '.join(map(quote, sorted(columns)))} FROM {quote(table)}"  # noqa: S608 — catalogue names


def _by_content_where_positional(constraints: dict[str, Any]) -> dict[str, Any]:
    """SQLite's constraints as Django reads them, where the names it gives by position (fk_0, the indexes behind
    UNIQUE and PRIMARY KEY clauses) are replaced by what they hold: a migration that rebuilds a table may put its
    foreign keys and unique clauses in another order."""
    named = {}
    for name, constraint in constraints.items():
        key = name
        if POSITIONAL.match(name):
            key = "positional " + json.dumps(constraint, sort_keys=True, default=repr)
            while key in named:
                key += "+"
        named[key] = constraint
    return named


def describe(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    """Everything two ways of building a database may not differ in: tables, columns, constraints and indexes,
    triggers and functions, every row, the migrations recorded as applied (as JSON values)."""
    introspection = connection.introspection
    found: dict[str, Any] = {"tables": {}, "rows": {}}
    with connection.cursor() as cursor:
        for info in introspection.get_table_list(cursor):
            table = info.name
            columns = {
                column.name: [str(column.type_code), column.null_ok, column.default, column.collation]
                for column in introspection.get_table_description(cursor, table)
            }
            constraints = introspection.get_constraints(cursor, table)
            if connection.vendor == "sqlite":
                constraints = _by_content_where_positional(constraints)
            found["tables"][f"{info.type} {table}"] = {"columns": columns, "constraints": constraints}
            cursor.execute(ROWS.get(table) or _every_column(connection, table, columns))
            found["rows"][table] = sorted(map(repr, cursor.fetchall()))
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'index')")
            found["sqlite_master"] = sorted(row for row in cursor.fetchall() if not row[1].startswith("sqlite_auto"))
        elif connection.vendor == "postgresql":
            catalogue = {
                "triggers": "SELECT tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal",
                "functions": "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
                "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
                "constraints": "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace",
                "sequences": "SELECT sequencename, data_type::text, start_value, increment_by FROM pg_sequences "
                "WHERE schemaname = 'public'",
            }
            for key, query in catalogue.items():
                cursor.execute(query)
                found[key] = sorted(cursor.fetchall())
    return json.loads(json.dumps(found, default=repr))


if __name__ == "__main__":
    # python -m tests.schema build|migrate: builds the empty database of DATABASE_URL one way or the other and
    # prints describe() of it as JSON (tests/test_schema.py runs both, each in a process of its own).
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if sys.argv[1:] == ["build"]:
        build(connection)
    elif sys.argv[1:] == ["migrate"]:
        call_command("migrate", verbosity=0, interactive=False)
    else:
        sys.exit("usage: python -m tests.schema build|migrate")
    json.dump(describe(connection), sys.stdout)
