"""`make test`: the database comes from DATABASE_URL (PostgreSQL in CI) or SQLite."""

import os

from .base import *  # noqa: F403 — settings modules extend the base namespace

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 — test settings only
ALLOWED_HOSTS = ["*"]
# Fast hashing in tests; production keeps argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Many requests from one test client: keep the API's anonymous throttle out of the way of tests.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}  # noqa: F405 — from base
# Background jobs run right after the enqueuing transaction commits, so a test sees the result (the
# immediate backend). A test that sets JOBS_RUNNER = "worker" hands jobs to the default backend: the dummy
# one, a queue nobody drains, so the job stays 排队中 until the test runs it. The worker tests start
# `manage.py run_jobs` processes with DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend (ADR 0036).
JOBS_RUNNER = "worker" if os.environ.get("DJANGO_TASKS_BACKEND") else "inline"
TASKS = {
    "default": {"BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")},
    "inline": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# The suite runs with DEBUG off (as production) yet sends SMS codes to the development outbox, where
# tests read them (verification/testing.py) and the 短信发件箱 page is tested. This flag exists here
# only: without it the system check verification.E002 refuses the outbox and the page answers 404.
SMS_OUTBOX_IN_TESTS = True
# On PostgreSQL the suite's flush (after transactional tests) must empty the audit tables, which refuse
# TRUNCATE by trigger: this backend lifts the trigger inside the flush's own transaction only (ADR 0018).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405 — from base
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405 — from base
    # A commit does not wait for its WAL record to reach the disk (a per-connection setting, not the
    # server's): nothing here must survive a crash of the test server, and commits are many (ADR 0055).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
