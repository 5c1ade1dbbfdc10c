"""The code tables' generation token (ADR 0049): one row whose token changes with every write to the tables.

Pages read dictionaries on every request (the dossier's choice lists, the precheck's qualification levels, a
person's 民族 and 政治面貌): each worker keeps the entries it has read with the token it read them under, and
reads the table again only when the token has changed. The token is changed by triggers on the tables
themselves, so every write counts — a service, a bulk import, a queryset update, raw SQL — and it belongs to
the writer's transaction: a rolled-back write leaves the old token, a committed one the new.

The token is random, not a counter: a counter would come back to a value already seen after a rollback, and
a worker could take what it cached inside that transaction for the table as it is.

PostgreSQL: statement-level triggers (one UPDATE per statement, also TRUNCATE). SQLite has row triggers
only: one UPDATE per row written, acceptable for the code tables' size.
"""

from django.db import migrations, models

TABLES = ("dictionaries_entry", "dictionaries_dictionarytype")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION dictionaries_new_generation() RETURNS trigger AS $$
BEGIN
    UPDATE dictionaries_generation SET token = gen_random_uuid()::text WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


SQLITE_TRIGGER_BODY = "UPDATE dictionaries_generation SET token = lower(hex(randomblob(16))) WHERE id = 1; END;"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    # The token names a version of the code tables, not a secret.
    apps.get_model("dictionaries", "Generation").objects.create(id=1, token="initial")  # noqa: S106
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dictionaries_new_generation();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                # Table and event names come from the constants above, never from input.
                trigger = f"CREATE TRIGGER {table}_generation_{event.lower()} AFTER {event} ON {table} BEGIN "
                schema_editor.execute(trigger + SQLITE_TRIGGER_BODY)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # migration signature
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_generation ON {table};")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_generation_{event};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS dictionaries_new_generation();")


class Migration(migrations.Migration):
    dependencies = [("dictionaries", "0002_chinese_punctuation")]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=64, verbose_name="版本标识")),
            ],
            options={"verbose_name": "字典版本"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
