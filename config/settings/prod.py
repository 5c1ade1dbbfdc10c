"""Production: every secret and address comes from the environment (docs/deploy.md)."""

import os
from typing import Any

from .base import *  # noqa: F403 — settings modules extend the base namespace

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Our nginx / load balancer addresses: only they may name the client IP in a header (ADR 0019).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()]

SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# The load balancer's health checks reach each app server's gunicorn over plain HTTP (deploy/nginx/).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# SMS codes reach phones: no default. Without a real backend the system check (verification.E002/E003)
# stops every management command and the WSGI application (config/wsgi.py) from starting.
SMS_BACKEND = os.environ.get("DJANGO_SMS_BACKEND", "")
SMS_GATEWAY_URL = os.environ.get("DJANGO_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("DJANGO_SMS_GATEWAY_TOKEN", "")

# gunicorn's sync workers serve one request at a time, so a persistent connection per worker is bounded by
# the worker count (docs/deploy.md gives the sum to keep under max_connections); health checks drop a
# connection the database closed, instead of failing the next request on it.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405 — from base
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))  # noqa: F405 — from base

# Malware scan of every upload (core.scanning): ClamAV through its daemon when an address is given;
# otherwise only the EICAR test signature is refused. A wrong setting stops start-up (core.E002/E003).
CLAMD_ADDRESS = os.environ.get("DJANGO_CLAMD_ADDRESS", "")
MALWARE_SCANNER = os.environ.get("DJANGO_MALWARE_SCANNER") or (
    "title_review.core.scanning.ClamdScanner" if CLAMD_ADDRESS else "title_review.core.scanning.EicarScanner"
)

# Lockout marks, throttles, captcha marks and SMS failure counts must be shared by every app server: Redis
# through Django's built-in RedisCache (ADR 0034). Without DJANGO_REDIS_URL the cache stays the per-process
# default and the system check core.E004 stops every management command and the WSGI application.
REQUIRE_SHARED_CACHE = True
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zc",
            # Fail fast when Redis is down, so the degraded mode answers instead of hanging a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

# 电子证书 signing key and certificate chain (ADR 0039): the installation's own, never the development test CA.
# Missing files stop every management command and the WSGI application (certificates.E001/E002).
CERTIFICATE_SIGNING = {
    "KEY": os.environ.get("DJANGO_CERTIFICATE_SIGNING_KEY", ""),
    "CERT": os.environ.get("DJANGO_CERTIFICATE_SIGNING_CERT", ""),
    "CHAIN": [p for p in os.environ.get("DJANGO_CERTIFICATE_SIGNING_CHAIN", "").split(",") if p],
    "TRUST_ROOTS": [
        p
        for p in os.environ.get(
            "DJANGO_CERTIFICATE_SIGNING_TRUST_ROOTS", os.environ.get("DJANGO_CERTIFICATE_SIGNING_CHAIN", "")
        ).split(",")
        if p
    ],
    "KEY_PASSPHRASE_ENV": "DJANGO_CERTIFICATE_SIGNING_KEY_PASSPHRASE",
    "TEST_CA": False,
    "REQUIRED": True,
}

# Jobs go to the database queue that `manage.py run_jobs` workers drain (ADR 0036); the system check
# jobs.E001/E002 stops start-up if JOBS_RUNNER or TASKS point anywhere else.
REQUIRE_DURABLE_JOBS = True

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# Uploaded and generated files: MEDIA_ROOT on the local disk by default; an S3-compatible object store
# (MinIO, a cloud's S3 interface) through django-storages when DJANGO_S3_* name one (ADR 0037,
# docs/deploy.md). A half-given store (a bucket without keys, …) or one reached over plain HTTP across
# the network is refused by the system checks core.E005/E006, which stop every command and the WSGI app.
S3_REQUIRED = ("DJANGO_S3_BUCKET", "DJANGO_S3_ENDPOINT_URL", "DJANGO_S3_ACCESS_KEY_ID", "DJANGO_S3_SECRET_ACCESS_KEY")
S3_OPTIONAL = ("DJANGO_S3_REGION", "DJANGO_S3_PREFIX")
S3_GIVEN = sorted(name for name in S3_REQUIRED + S3_OPTIONAL if os.environ.get(name, "").strip())
S3_ENDPOINT_URL = os.environ.get("DJANGO_S3_ENDPOINT_URL", "").strip()
if S3_GIVEN and all(name in S3_GIVEN for name in S3_REQUIRED):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_S3_BUCKET"].strip(),
            "endpoint_url": S3_ENDPOINT_URL,
            "access_key": os.environ["DJANGO_S3_ACCESS_KEY_ID"].strip(),
            "secret_key": os.environ["DJANGO_S3_SECRET_ACCESS_KEY"].strip(),
            "region_name": os.environ.get("DJANGO_S3_REGION", "").strip() or "us-east-1",
            "location": os.environ.get("DJANGO_S3_PREFIX", "").strip().strip("/"),
            # Private objects, read back only through the permission-checked download views; a name
            # already taken gets a suffix, as on the local disk (never an overwrite).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }


# Lists above this many rows are exported by a background job (我的下载) instead of in the request.
if os.environ.get("DJANGO_EXPORT_INLINE_MAX_ROWS", "").strip():
    EXPORT_INLINE_MAX_ROWS = int(os.environ["DJANGO_EXPORT_INLINE_MAX_ROWS"])

# Structured logs without personal data (ADR 0035): one JSON object per line on stderr, identity and mobile
# numbers masked before any handler sees a record. Collected by the process manager (journald, docker).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "title_review.core.logs.PersonalDataFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "WARNING"}},
}
