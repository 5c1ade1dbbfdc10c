"""Readiness for the load balancer (issue 16 point 3): can this app server reach what a request needs?

/healthz says the process answers; /readyz checks the database (SELECT 1), the cache (set and get of a
short-lived key) and the default file storage (exists() on a name). 200 when all three answer, 503 naming
the ones that failed. Public, and it shows no personal data and no exception text: the failure is logged.
"""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from title_review.access.decorators import public

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 gave an unexpected answer")


def _cache() -> None:
    key, value = "readyz.probe", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return the value just set")


def _storage() -> None:
    default_storage.exists("readyz-probe")


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "cache": _cache, "storage": _storage}


@public
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    result = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 — any failure means not ready; the reason goes to the log only
            logger.exception("readyz: %s failed", name)
            result[name] = "failed"
        else:
            result[name] = "ok"
    ready = all(state == "ok" for state in result.values())
    return JsonResponse(result, status=200 if ready else 503)
