"""Login, captcha and SMS codes with the production cache: Redis shared by every app server (ADR 0034).

Two Django test clients stand for two app servers: each has its own session and connection, and both
reach one Redis (a test-only database number; each test empties its own keys) and one database. The lockout
count itself lives in the database (accounts.LoginAttempts, ADR 0019); the captcha marks live in Redis.
With Redis unreachable the tests skip, except under CI=true, where they fail: CI must prove them.

The degraded-mode tests point the cache at a closed port (redis://127.0.0.1:1/0): refusals say
「系统繁忙，请稍后再试」 instead of a 500 page.
"""

import os
import socket
import uuid
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from title_review.core.cachesafe import CACHE_DOWN_MESSAGE
from title_review.core.errors import DomainError
from title_review.verification import services as sms
from title_review.verification.captcha import SESSION_KEY, check_captcha, new_captcha
from title_review.verification.models import SmsCode
from title_review.verification.testing import captcha_answer

TEST_REDIS = "redis://127.0.0.1:6379/15"


def _redis_cache(location: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}


@pytest.fixture
def shared_redis():
    """The test Redis database, under a key prefix of this test's own: parallel workers (and other runs on
    the machine) share the database, so each test empties only its own keys, before and after."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at 127.0.0.1:6379 is required under CI=true: {exc}")
        pytest.skip(f"no Redis at 127.0.0.1:6379: {exc}")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    raw = redis.Redis.from_url(TEST_REDIS)

    def empty() -> None:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)

    settings = _redis_cache(TEST_REDIS)
    settings["default"]["KEY_PREFIX"] = prefix
    empty()
    with override_settings(CACHES=settings):
        yield raw, prefix
    empty()
    raw.close()


def _with_captcha(client: Client) -> dict[str, str]:
    html = client.get("/verification/captcha/new/").content.decode()
    key = html.split('name="captcha_key" value="')[1].split('"')[0]
    return {"captcha_key": key, "captcha_answer": captcha_answer(client, key)}


def test_five_wrong_passwords_spread_over_two_app_servers_lock_the_account(seeded, shared_redis):
    ip = "203.0.113.7"  # one person's address, reaching either app server through the load balancer
    servers = [Client(REMOTE_ADDR=ip), Client(REMOTE_ADDR=ip)]
    used_keys = []
    for attempt in range(5):
        server = servers[attempt % 2]
        extra = _with_captcha(server) if attempt >= 3 else {}  # the captcha is asked after 3 failures
        used_keys += [extra["captcha_key"]] if extra else []
        response = server.post("/accounts/login/", {"username": "hzadmin", "password": "wrong", **extra})
        assert response.status_code == 200
        assert "临时锁定" not in response.content.decode()
    for server in servers:
        captcha = _with_captcha(server)
        response = server.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026", **captcha})
        assert response.status_code == 200
        assert "临时锁定" in response.content.decode()
    # The captcha marks are in the one Redis every app server reads, not in a process of its own.
    raw, prefix = shared_redis
    keys = {k.decode() for k in raw.scan_iter(f"{prefix}:*verification.captcha_used.*")}
    assert len(used_keys) == 2
    assert all(any(k.endswith(f"verification.captcha_used.{used}") for k in keys) for used in used_keys)


def test_a_captcha_used_on_one_app_server_is_refused_on_the_other(seeded, shared_redis, rf):
    """A concurrent request may save the session back as it was; the mark in Redis keeps the key single use."""
    from django.contrib.sessions.backends.db import SessionStore

    request_a = rf.post("/")
    request_a.session = SessionStore()
    key = new_captcha(request_a)
    answer = captcha_answer(request_a.session, key)
    before = dict(request_a.session[SESSION_KEY])
    assert check_captcha(request_a, key, answer)
    # The other app server holds the session as it was before the check, the key still pending …
    request_b = rf.post("/")
    request_b.session = SessionStore()
    request_b.session[SESSION_KEY] = before
    # … and still refuses it: the mark is in the shared cache.
    assert not check_captcha(request_b, key, answer)


def test_login_that_needs_a_captcha_says_busy_when_the_cache_is_down(client, seeded):
    ip = "198.51.100.9"
    for _ in range(3):
        client.post("/accounts/login/", {"username": "hzadmin", "password": "wrong"}, REMOTE_ADDR=ip)
    captcha = _with_captcha(client)
    with override_settings(CACHES=_redis_cache("redis://127.0.0.1:1/0")):
        response = client.post(
            "/accounts/login/", {"username": "hzadmin", "password": "Demo@2026", **captcha}, REMOTE_ADDR=ip
        )
    assert response.status_code == 200
    assert CACHE_DOWN_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_first_login_needs_no_cache(client, seeded):
    with override_settings(CACHES=_redis_cache("redis://127.0.0.1:1/0")):
        response = client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"})
    assert response.status_code == 302


def test_sms_codes_are_refused_with_busy_when_the_cache_is_down(db):
    phone = "13812345678"
    SmsCode.objects.create(
        phone=phone,
        purpose="register",
        code_hash=sms._code_hash(phone, "register", "123456"),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    with override_settings(CACHES=_redis_cache("redis://127.0.0.1:1/0")), pytest.raises(DomainError) as refused:
        sms.verify_sms_code(phone=phone, purpose="register", code="123456")
    assert refused.value.message == CACHE_DOWN_MESSAGE
    assert SmsCode.objects.get(phone=phone).used_at is None
