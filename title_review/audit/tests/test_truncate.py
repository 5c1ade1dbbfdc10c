"""The audit tables refuse TRUNCATE on PostgreSQL, as they refuse UPDATE and DELETE (issue 10, finding 7).

TRUNCATE fires no row trigger, so the UPDATE/DELETE trigger of migration audit.0002 let
`TRUNCATE audit_auditevent` empty the log. A statement-level BEFORE TRUNCATE trigger refuses it.
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from title_review.audit.models import AuditEvent, LoginEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_loginevent",
        "TRUNCATE audit_auditevent, audit_loginevent RESTART IDENTITY CASCADE",
        "TRUNCATE ONLY audit_loginevent",
    ],
)
def test_truncate_of_the_audit_log_is_refused(statement):
    AuditEvent.objects.create(action="organisation.create", actor_name="x")
    LoginEvent.objects.create(username="x", event="login", success=True)
    before = (AuditEvent.objects.count(), LoginEvent.objects.count())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert (AuditEvent.objects.count(), LoginEvent.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_the_test_runner_still_empties_the_database_after_a_committing_test():
    """This test commits an audit row; its teardown flushes every table (DELETE, and TRUNCATE for the audit
    tables). The flush uses the test database backend (tests/postgresql), which lifts the TRUNCATE trigger for
    the flush's own transaction only, as the owner of the tables; the trigger is back when it commits."""
    AuditEvent.objects.create(action="organisation.create", actor_name="committed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_auditevent_no_truncate'")
        assert cursor.fetchone() == ("O",)  # enabled, for every session


@pytest.mark.django_db(transaction=True)
def test_the_flush_empties_every_table_and_leaves_every_audit_trigger_on():
    AuditEvent.objects.create(action="organisation.create", actor_name="committed")
    LoginEvent.objects.create(username="x", event="login", success=True)
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        holding = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608
            if cursor.fetchone()[0]:
                holding.append(table)
        cursor.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgname LIKE 'audit_%%' ORDER BY tgname")
        triggers = cursor.fetchall()
    assert holding == []  # the root conftest puts the demo tree back for the next test
    assert triggers == [
        ("audit_auditevent_append_only", "O"),
        ("audit_auditevent_no_truncate", "O"),
        ("audit_loginevent_append_only", "O"),
        ("audit_loginevent_no_truncate", "O"),
    ]
