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

The other tables are emptied with DELETE rather than TRUNCATE: after a test they hold the demo tree's few
thousand rows, and a TRUNCATE's fixed cost per table (new files, their removal at commit) made the flush of
~80 tables take a second; DELETE takes a third of that. Django's foreign keys on PostgreSQL are DEFERRABLE
INITIALLY DEFERRED, so the order of the DELETEs does not matter inside the flush's transaction. A flush that
resets sequences or cascades (neither is asked by the suite) keeps Django's TRUNCATE.
"""

from typing import Any

from django.db.backends.postgresql import base, operations

# The tables migration audit.0004 guards, with its trigger name `<table>_no_truncate`.
APPEND_ONLY_TABLES = frozenset({"audit_auditevent", "audit_loginevent"})


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        guarded = sorted(APPEND_ONLY_TABLES.intersection(tables))
        if not tables or reset_sequences or allow_cascade:
            return self._lifted(
                guarded,
                super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade),
            )
        # Table names come from Django's introspection of its own models, not from input.
        deletes = [f"DELETE FROM {self.quote_name(t)};" for t in sorted(set(tables) - APPEND_ONLY_TABLES)]  # noqa: S608
        return deletes + (self._lifted(guarded, super().sql_flush(style, guarded)) if guarded else [])

    def _lifted(self, guarded: list[str], statements: list[str]) -> list[str]:
        """`statements` with the TRUNCATE triggers of the `guarded` tables lifted around them."""
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
