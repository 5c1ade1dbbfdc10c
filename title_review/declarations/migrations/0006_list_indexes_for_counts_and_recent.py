# Issue 12 (ADR 0029): counts per status in a scope, and the newest-first lists with drafts last.

from django.db import migrations, models

# PostgreSQL sorts NULLs first in DESC: these let 上报材料跟踪 and 被退回的材料 (ordered by stage_since DESC NULLS
# LAST, id DESC) walk from the newest movement without passing every draft first. SQLite already sorts NULLs last
# in DESC (the model's declaration_recent indexes serve it) and refuses NULLS LAST in CREATE INDEX.
RECENT = {
    "declaration_recent_nulls_last": "(stage_since DESC NULLS LAST, id DESC)",
    "declaration_employer_recent_nulls_last": "(employer_id, stage_since DESC NULLS LAST, id DESC)",
}


def create_recent(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in RECENT.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON declarations_declaration {columns}")


def drop_recent(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in RECENT:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0005_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(fields=["status", "employer"], name="declaration_status_employer"),
        ),
        migrations.RunPython(create_recent, drop_recent),
    ]
