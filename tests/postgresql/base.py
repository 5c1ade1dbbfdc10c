"""The PostgreSQL backend for the test suite only (config.settings.test): Django's, with one change to
how the database is emptied after a transactional test.

pytest-django empties the database after each transactional test (live server, threads) with one
TRUNCATE of every table. The audit tables refuse TRUNCATE by trigger (migration audit.0004), as they
must in production. Here the flush, which Django runs in one transaction, disables exactly those
TRUNCATE triggers, truncates, and enables them again before the transaction commits: no other session
ever sees them disabled (ALTER TABLE holds an exclusive lock until commit), and if anything fails the
rollback restores them. Only the tables' owner may do this, as the test role is; the production role
is not the owner (docs/deploy.md). Nothing outside this module — and nothing in production settings —
lifts the trigger. See docs/decisions/0018-upload-and-import-hardening.md.
"""

from typing import Any

from django.db.backends.postgresql import base, operations

# The tables migration audit.0004 guards, with its trigger name `<table>_no_truncate`.
APPEND_ONLY_TABLES = frozenset({"audit_auditevent", "audit_loginevent"})


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        guarded = sorted(APPEND_ONLY_TABLES.intersection(tables))
        if not statements or not guarded:
            return statements

        def toggle(action: str) -> list[str]:
            return [
                f"ALTER TABLE {self.quote_name(t)} {action} TRIGGER {self.quote_name(t + '_no_truncate')};"
                for t in guarded
            ]

        return [*toggle("DISABLE"), *statements, *toggle("ENABLE")]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
