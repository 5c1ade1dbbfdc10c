"""X-Forwarded-Proto is believed only from our own proxies."""

from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from title_review.core.middleware import UntrustedProxyHeadersMiddleware


def _is_secure(remote_addr: str) -> bool:
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO="https")
    UntrustedProxyHeadersMiddleware(view)(request)
    return seen["secure"]


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=["10.0.1.0/24"])
def test_only_a_trusted_proxy_can_say_the_request_came_over_tls():
    assert _is_secure("10.0.1.7")
    assert not _is_secure("203.0.113.9")
    assert not _is_secure("not-an-address")


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=[])
def test_with_no_proxy_configured_nobody_can():
    assert not _is_secure("127.0.0.1")
