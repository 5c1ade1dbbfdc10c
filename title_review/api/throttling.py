"""API throttles that tell clients apart by the one client-IP rule (title_review.core.clientip, ADR 0019).

DRF's own `get_ident` believes `X-Forwarded-For` according to `NUM_PROXIES`, a rule of its own that a
client can defeat by rotating the header. Every throttle the API uses derives from `ClientIpThrottle`.
"""

from typing import Any

from rest_framework import exceptions, status, throttling
from rest_framework.settings import api_settings

from title_review.core.cachesafe import CACHE_DOWN_MESSAGE, CACHE_ERRORS
from title_review.core.clientip import client_ip


class CacheUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = CACHE_DOWN_MESSAGE
    default_code = "cache_unavailable"


class ClientIpThrottle(throttling.BaseThrottle):
    def get_ident(self, request: Any) -> str:
        # No address at all (a broken REMOTE_ADDR) still has to land in some bucket, and one shared bucket
        # is the safe side.
        return client_ip(request) or "unknown"

    def allow_request(self, request: Any, view: Any) -> bool:
        # The counts live in the shared cache (ADR 0034): with it down, refuse with 503 (fail closed)
        # instead of a 500 or an unthrottled API.
        try:
            return bool(super().allow_request(request, view))
        except CACHE_ERRORS:
            raise CacheUnavailable from None


class AnonRateThrottle(ClientIpThrottle, throttling.AnonRateThrottle):
    """Anonymous requests, `DEFAULT_THROTTLE_RATES["anon"]` per client address."""

    def get_rate(self) -> str | None:
        # DRF copies the rates into the class when it is imported; read them per request instead, so a
        # changed setting (a test, a reload) applies.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]  # the stubs type the setting loosely
        return super().get_rate()
