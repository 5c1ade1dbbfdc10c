"""Settings for bench/lists.py: the development settings on a bench database, with DEBUG off.

The database comes from DATABASE_URL (bench/lists.py sets it per size). DEBUG is off so that nothing the
development settings add for debugging (query logging, debug pages) is timed; the test Client's host is
allowed. Attachments the bench uploads for its template declarations go under var/bench_lists/.
"""

from config.settings.dev import *  # noqa: F403 — extends the development settings

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MEDIA_ROOT = VAR_DIR / "bench_lists" / "files"  # noqa: F405 — from base
# Jobs run in `manage.py run_jobs` processes; the bench never enqueues one it needs.
JOBS_RUNNER = "worker"
