from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import DomainError


class DomainErrorMiddleware:
    """A DomainError that escapes a view becomes a Chinese message on the page it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        messages.error(request, exception.message)
        referer = request.headers.get("referer", "")
        if referer and request.get_host() in referer:
            return redirect(referer)
        return redirect("system:home")


class UntrustedProxyHeadersMiddleware:
    """`X-Forwarded-Proto` counts only from our own proxies (TRUSTED_PROXIES, ADR 0019).

    Production reads it (SECURE_PROXY_SSL_HEADER) to know a request came over TLS; from anyone else it is
    dropped before Django looks, so a client talking to gunicorn directly cannot claim https."""

    HEADERS = ("HTTP_X_FORWARDED_PROTO",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .clientip import parse_address, peer_is_trusted

        if any(h in request.META for h in self.HEADERS):
            peer = parse_address(request.META.get("REMOTE_ADDR"))
            if peer is None or not peer_is_trusted(peer):
                for header in self.HEADERS:
                    request.META.pop(header, None)
        return self.get_response(request)
