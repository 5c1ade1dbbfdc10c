"""Thirty wrong passwords at the same moment from one address: no more than five are checked (PostgreSQL)."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from title_review.accounts.models import User
from title_review.accounts.security import LOCKOUT_FAILURES
from title_review.verification.testing import captcha_answer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ATTEMPTS = 30


def _client_with_captcha() -> tuple[Client, dict[str, str]]:
    """A browser that has solved its captcha, so the captcha is no reason to skip the password check."""
    client = Client(REMOTE_ADDR="198.51.100.40")
    html = client.get("/verification/captcha/new/").content.decode()
    key = html.split('name="captcha_key" value="')[1].split('"')[0]
    return client, {"captcha_key": key, "captcha_answer": captcha_answer(client, key)}


def test_concurrent_wrong_passwords_get_at_most_five_password_checks(seeded):
    browsers = [_client_with_captcha() for _ in range(ATTEMPTS)]
    checks = 0
    counting = threading.Lock()
    real_check = User.check_password

    def counted_check(self, raw_password):
        nonlocal checks
        with counting:
            checks += 1
        return real_check(self, raw_password)

    barrier = threading.Barrier(ATTEMPTS)
    pages: list[str] = []
    errors: list[BaseException] = []

    def attempt(client: Client, captcha: dict[str, str]) -> None:
        try:
            barrier.wait()
            response = client.post("/accounts/login/", {"username": "hzadmin", "password": "wrong", **captcha})
            pages.append(response.content.decode())
        except BaseException as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(User, "check_password", counted_check):
        threads = [threading.Thread(target=attempt, args=browser) for browser in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    assert checks <= LOCKOUT_FAILURES
    assert sum("临时锁定" in page for page in pages) >= ATTEMPTS - LOCKOUT_FAILURES
    # And the right password afterwards is refused too: the account stays locked from that address.
    client, captcha = _client_with_captcha()
    after = client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026", **captcha})
    assert "临时锁定" in after.content.decode()
