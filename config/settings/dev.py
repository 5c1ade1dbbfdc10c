"""`make run`: SQLite, debug pages, no external services."""

from .base import *  # noqa: F403 — settings modules extend the base namespace

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105 — dev settings only
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
