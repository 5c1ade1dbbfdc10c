"""等保 三级's 30-minute idle timeout, renewed by use at most once a minute (accounts.middleware.IdleSessionMiddleware)."""

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.accounts.middleware import RENEWED_KEY

HOME = "/"


def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _expire_in(client, minutes: int) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=minutes)
    )


def _session_writes(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(1 for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT"))


def test_pages_within_a_minute_write_no_session(login, seeded):
    client = login("hzcheck")
    client.get(HOME)  # the first request after signing in renews the session
    assert _session_writes(client, HOME) == 0
    assert _session_writes(client, "/reviews/inbox/") == 0


def test_a_request_a_minute_after_the_last_renewal_pushes_the_expiry_back_to_thirty_minutes(login, seeded):
    client = login("hzcheck")
    client.get(HOME)
    _expire_in(client, 5)  # as if the last renewal were 25 minutes ago
    session = client.session
    session[RENEWED_KEY] = int(timezone.now().timestamp()) - 61
    session.save()
    _expire_in(client, 5)

    assert _session_writes(client, HOME) == 1
    left = _session(client).expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)


def test_a_request_within_the_minute_leaves_the_expiry_where_it_was(login, seeded):
    client = login("hzcheck")
    client.get(HOME)
    _expire_in(client, 5)
    client.get(HOME)
    left = _session(client).expire_date - timezone.now()
    assert left <= dt.timedelta(minutes=5)


def test_a_session_idle_past_its_expiry_is_signed_out(login, seeded):
    client = login("hzcheck")
    assert client.get(HOME).status_code == 200
    _expire_in(client, -1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_anonymous_visitor_gets_no_session_row(client, seeded):
    before = Session.objects.count()
    assert client.get("/accounts/login/").status_code == 200
    assert Session.objects.count() == before
