"""On PostgreSQL the audit tables refuse UPDATE and DELETE at the database level.

SQLite (the embedded default) relies on the application never issuing them; the trigger is the
guarantee where it matters, in production and CI. TRUNCATE is left to privileges: the production
database role has no TRUNCATE on these tables (docs/deploy.md); the test runner needs it to reset
the database between transactional tests.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ("audit_auditevent", "audit_loginevent")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
