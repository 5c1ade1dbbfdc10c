"""Production needs the shared cache (ADR 0034), and a cache that is down gives a degraded mode, not a 500.

The Redis at 127.0.0.1:1 is a closed port: every cache call raises redis.exceptions.ConnectionError, as
Django's RedisCache does when the server is down.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from title_review.core import policies
from title_review.core.cachesafe import CACHE_ERRORS
from title_review.core.models import PolicySetting

ROOT = Path(__file__).resolve().parents[3]
REDIS_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _e004() -> list:
    return [m for m in run_checks() if m.id == "core.E004"]


def test_production_with_a_per_process_cache_is_a_system_check_error(settings):
    settings.REQUIRE_SHARED_CACHE = True
    with override_settings(CACHES=LOCMEM):
        errors = _e004()
    assert len(errors) == 1 and errors[0].is_serious()
    assert "共享缓存" in errors[0].msg and "Redis" in errors[0].msg
    assert "DJANGO_REDIS_URL" in errors[0].hint
    with override_settings(CACHES=REDIS_DOWN):
        assert not _e004()


def test_development_and_tests_keep_the_per_process_cache():
    with override_settings(CACHES=LOCMEM):
        assert not _e004()


@pytest.mark.ci_on_postgresql
def test_production_settings_without_redis_refuse_to_start(production_signing_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))}
    env.update(
        production_signing_env,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="zc.example.gov.cn",
        DJANGO_SMS_BACKEND="title_review.verification.backends.HttpGatewayBackend",
        DJANGO_SMS_GATEWAY_URL="https://sms.example.gov.cn/send",
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "core.E004" in result.stderr
    env["DJANGO_REDIS_URL"] = "redis://127.0.0.1:6379/1"
    code = "import config.wsgi; from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_policies_are_read_from_the_database_when_the_cache_is_down(db):
    PolicySetting.objects.update_or_create(key="password.min_length", defaults={"value": 12})
    with override_settings(CACHES=REDIS_DOWN):
        from django.core.cache import cache

        try:
            cache.get("anything")
        except CACHE_ERRORS:
            pass
        else:  # pragma: no cover — the premise of this test
            raise AssertionError("the closed port should refuse")
        assert policies.get_policy("password.min_length") == 12
        policies.forget_policy("password.min_length")  # no error either


def test_the_api_throttle_refuses_with_503_when_the_cache_is_down(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    body = {"phone": "13812345678", "sms_code": "000000", "new_password": "Xx@12345678"}
    with override_settings(CACHES=REDIS_DOWN):
        response = client.post("/api/v1/accounts/password-reset/", body, content_type="application/json")
    assert response.status_code == 503
    assert "系统繁忙" in response.content.decode()
