"""The audit tables refuse TRUNCATE on PostgreSQL, as they refuse UPDATE and DELETE (issue 10, finding 7).

TRUNCATE fires no row trigger, so the UPDATE/DELETE trigger of migration audit.0002 let
`TRUNCATE audit_auditevent` empty the log. A statement-level BEFORE TRUNCATE trigger refuses it.
"""

import pytest
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
    """This test commits an audit row; its teardown flushes every table with TRUNCATE. The flush uses
    the test database backend (tests/postgresql), which lifts the TRUNCATE trigger for the flush's own
    transaction only, as the owner of the tables; the trigger is back when it commits."""
    AuditEvent.objects.create(action="organisation.create", actor_name="committed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_auditevent_no_truncate'")
        assert cursor.fetchone() == ("O",)  # enabled, for every session
