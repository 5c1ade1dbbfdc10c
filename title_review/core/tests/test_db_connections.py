"""The development server's request threads leave no connection behind (PostgreSQL).

runserver starts a thread per request and never closes that thread's database connection itself; with
persistent connections each finished thread left one idle connection until PostgreSQL refused new
clients (issue 10, finding 10).
"""

import socketserver
import threading
import time
import urllib.request

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server connections to count"),
    pytest.mark.django_db(transaction=True),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


def _open_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def test_a_burst_on_the_development_server_leaves_no_idle_connections(users):
    # The server class `manage.py runserver` builds (django.core.servers.basehttp.run, threading=True).
    server_class = type("WSGIServer", (socketserver.ThreadingMixIn, WSGIServer), {"daemon_threads": True})
    httpd = server_class(("127.0.0.1", 0), QuietHandler)
    httpd.set_app(WSGIHandler())
    serving = threading.Thread(target=httpd.serve_forever, daemon=True)
    serving.start()
    try:
        browser = Client()
        browser.force_login(users["hzadmin"])
        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        before = _open_connections()
        statuses: list[int] = []

        def one_request() -> None:
            request = urllib.request.Request(url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 — our own test server
                statuses.append(response.status)

        threads = [threading.Thread(target=one_request) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 20  # the page needs the database: the session and the user
        # The server closes a request's connection just after the client has read the response: allow it
        # a moment. Left-behind connections never close, however long one waits.
        deadline = time.monotonic() + 5
        while _open_connections() > before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _open_connections() <= before
    finally:
        httpd.shutdown()
        httpd.server_close()
