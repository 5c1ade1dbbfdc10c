"""Settings for the deadline-surge bench (issue 12, point 3): production settings, runnable on this machine.

Everything `config.settings.prod` sets applies (DEBUG off, persistent connections per worker, manifest
static files, argon2id login hashing, db sessions saved on every request), with only what a local run
without TLS and without an SMS gateway needs changed:

- no HTTPS: SSL redirect off and cookies not marked Secure (locust talks plain HTTP to gunicorn; in
  production nginx terminates TLS in front of the same gunicorn);
- an SMS gateway address that is never called (no bench path sends a code) so the system checks let the
  WSGI application start;
- a shared cache (Redis at 127.0.0.1:6379) for the captcha and SMS counters and the cached 参数设置, as an
  installation with several workers needs (prod.py takes it from DJANGO_REDIS_URL, ADR 0034); each
  request reads the password-age setting from it (one GET);
- ROOT_URLCONF adds the one bare reference view (bench/surge/surge_urls.py) to the project's URLs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/title_review_bench_surge  (default here)
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/title_review_bench_surge")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-surge-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SMS_BACKEND", "title_review.verification.backends.HttpGatewayBackend")
os.environ.setdefault("DJANGO_SMS_GATEWAY_URL", "https://sms.invalid/send")

# The production settings refuse to start without the certificate signing key, certificate and chain (ADR
# 0039): unless the environment names real ones, a test CA made once under var/bench_surge/signing.
if "DJANGO_CERTIFICATE_SIGNING_KEY" not in os.environ:
    from pathlib import Path

    _signing = Path(__file__).resolve().parents[2] / "var" / "bench_surge" / "signing"
    if not (_signing / "ca.pem").exists():  # written last: the folder is complete
        from title_review.certificates.signing import make_test_ca

        make_test_ca(_signing)
    os.environ["DJANGO_CERTIFICATE_SIGNING_KEY"] = str(_signing / "signer.key")
    os.environ["DJANGO_CERTIFICATE_SIGNING_CERT"] = str(_signing / "signer.pem")
    os.environ["DJANGO_CERTIFICATE_SIGNING_CHAIN"] = str(_signing / "ca.pem")

from config.settings.prod import *  # noqa: E402, F403 — extends the production settings

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("BENCH_SURGE_REDIS", "redis://127.0.0.1:6379/0"),
        "KEY_PREFIX": "bench_surge",
    }
}

ROOT_URLCONF = "surge_urls"

BENCH_VAR = VAR_DIR / "bench_surge"  # noqa: F405 — from base
STATIC_ROOT = BENCH_VAR / "static"
MEDIA_ROOT = BENCH_VAR / "files"

# cProfile of chosen requests (bench/surge/profiling.py), off unless BENCH_SURGE_PROFILE names a directory.
if os.environ.get("BENCH_SURGE_PROFILE"):
    MIDDLEWARE = ["profiling.ProfileMiddleware", *MIDDLEWARE]  # noqa: F405 — from base

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
