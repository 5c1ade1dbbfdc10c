"""On PostgreSQL the audit tables refuse TRUNCATE too (issue 10, finding 7).

TRUNCATE fires no row trigger, so migration 0002's BEFORE UPDATE OR DELETE trigger let it empty the log.
A statement-level BEFORE TRUNCATE trigger on each table raises the same error, also when the table is
reached by TRUNCATE ... CASCADE. Like every trigger it binds every role but the tables' owner, who may
disable or drop it: production runs as a role that does not own the tables (docs/deploy.md). The test
suite's flush lifts it inside its own transaction (tests/postgresql, ADR 0018).
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_loginevent")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        # audit_refuse_change() comes from migration 0002 and names TG_OP and the table in its error.
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_login_event_organisation")]
    operations = [migrations.RunPython(forwards, backwards)]
