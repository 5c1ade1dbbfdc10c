"""The anonymous API throttle counts the real client, whatever X-Forwarded-For says (ADR 0019)."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from title_review.api.throttling import ClientIpThrottle

URL = "/api/v1/accounts/password-reset/"
BODY = {"phone": "13812345678", "sms_code": "000000", "new_password": "Xx@12345678"}


def _limit_anon_to_three(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}


def test_a_rotating_x_forwarded_for_does_not_escape_the_throttle(client, db, settings):
    _limit_anon_to_three(settings)
    statuses = [
        client.post(
            URL, BODY, content_type="application/json", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]
    assert (
        client.post(URL, BODY, content_type="application/json", REMOTE_ADDR="198.51.100.7").json()["code"]
        == "throttled"
    )
    # A different real client still gets through.
    assert client.post(URL, BODY, content_type="application/json", REMOTE_ADDR="198.51.100.8").status_code == 400


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(client, db, settings):
    _limit_anon_to_three(settings)
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for _ in range(3):
        client.post(
            URL, BODY, content_type="application/json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
    blocked = client.post(
        URL, BODY, content_type="application/json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    other = client.post(
        URL, BODY, content_type="application/json", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert blocked.status_code == 429 and other.status_code == 400


def _api_view_classes(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _api_view_classes(p.url_patterns)
        elif isinstance(p, URLPattern):
            view_class = getattr(p.callback, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                yield view_class


def test_every_api_throttle_tells_clients_apart_by_the_one_rule():
    """DRF's own AnonRateThrottle believes X-Forwarded-For; a view using it would reopen the bypass."""
    classes = set(_api_view_classes(get_resolver().url_patterns))
    assert any(cls.__name__ == "PasswordResetApi" for cls in classes)
    wrong = {
        (cls.__name__, throttle.__name__)
        for cls in classes
        for throttle in cls().throttle_classes
        if not issubclass(throttle, ClientIpThrottle)
    }
    assert not wrong
