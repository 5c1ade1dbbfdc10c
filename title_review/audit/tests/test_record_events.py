"""`record_events` (bulk imports, ADR 0026) appends exactly the rows `record_event` would, one by one.

On PostgreSQL it goes through COPY, elsewhere through a bulk INSERT; both are compared field by field
with what `record_event` stores, for awkward values: JSON with Chinese text, nesting and nulls, text with
tabs, newlines and backslashes (COPY's own escapes), a long object name, IPv4 and IPv6 addresses, no
object, no actor organisation, an organisation given explicitly.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.audit.context import current_ip
from title_review.audit.models import AuditEvent
from title_review.audit.services import Event, record_event, record_events

COMPARED = [f.name for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "occurred_at")]


def _events(orgs) -> list[Event]:
    hospital, school = orgs["杭州市第一人民医院"], orgs["杭州第二中学"]
    return [
        Event(action="certificate.create", obj=hospital, after={"number": "ZJ1", "person": "张三", "n": 1}),
        Event(
            action="organisation.update",
            obj=school,
            before={"name": "旧名\t制表\n换行", "nested": {"list": [1, None, "a\\b"], "empty": {}}},
            after={"name": "新名", "flag": True, "none": None},
            reason="原因含\\反斜杠、\t制表符和\n换行",
            organisation=hospital,
        ),
        Event(action="certificate.import", after={"rows": 2}),
        Event(action="organisation.legacy_code", obj=hospital, reason="x" * 5000),
    ]


def _stored(events) -> list[dict]:
    return [{name: getattr(e, name) for name in COMPARED} for e in events]


@pytest.mark.parametrize("ip", [None, "10.1.2.3", "2001:db8::1"])
@pytest.mark.parametrize("username", ["hzadmin", "sysadmin", None])
def test_the_same_rows_as_record_event(users, orgs, ip, username):
    actor = users[username] if username else None
    token = current_ip.set(ip)
    try:
        before = AuditEvent.objects.count()
        one_by_one = [record_event(actor=actor, **_fields(e)) for e in _events(orgs)]
        started = timezone.now()
        assert record_events(actor=actor, events=_events(orgs)) == len(one_by_one)
        bulk = list(AuditEvent.objects.order_by("id")[before + len(one_by_one) :])
    finally:
        current_ip.reset(token)
    singles = AuditEvent.objects.filter(pk__in=[e.pk for e in one_by_one]).order_by("id")
    assert _stored(bulk) == _stored(singles)  # read back from the database, both
    assert all(abs(e.occurred_at - started) < dt.timedelta(minutes=1) for e in bulk)


def _fields(event: Event) -> dict:
    return {
        "action": event.action,
        "obj": event.obj,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "organisation": event.organisation,
    }


def test_nothing_to_append_costs_no_query(users):
    with CaptureQueriesContext(connection) as queries:
        assert record_events(actor=users["hzadmin"], events=[]) == 0
    assert len(queries) == 0


def test_many_rows_cost_a_query_per_batch_or_one_copy(users, orgs):
    actor = users["hzadmin"]
    events = [Event(action="certificate.create", obj=orgs["杭州第二中学"], after={"n": n}) for n in range(250)]
    with CaptureQueriesContext(connection) as queries:
        record_events(actor=actor, events=events, batch_size=100)
    assert AuditEvent.objects.filter(action="certificate.create").count() == 250
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "COPY"))]
    if connection.vendor == "postgresql":
        assert len(writes) == 1 and writes[0].startswith("COPY")
    else:  # batches of 100, or fewer rows where the database takes fewer parameters (SQLite: 999)
        assert 3 <= len(writes) <= 5
    assert len(queries) - len(writes) <= 1  # the actor's organisation, read once for every row


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_postgresql_appends_with_one_copy_counted_as_one_query(users, orgs):
    actor = type(users["hzadmin"]).objects.select_related("organisation").get(username="hzadmin")
    events = [Event(action="certificate.create", obj=orgs["杭州第二中学"], after={"n": n}) for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        record_events(actor=actor, events=events)
    assert AuditEvent.objects.filter(action="certificate.create").count() == 3
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["COPY"]
