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
