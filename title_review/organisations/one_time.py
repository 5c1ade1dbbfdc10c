"""New one-time passwords, shown once: kept in the server-side session for the next page view only, so
a reload neither repeats the action nor shows them again."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from title_review.accounts.models import User

_SHOWN_KEY = "people.one_time_passwords"


def show_once(request: HttpRequest, pairs: list[tuple[User, str]], url_name: str, **kwargs: Any) -> HttpResponse:
    request.session[_SHOWN_KEY] = [(user.username, password) for user, password in pairs]
    return redirect(url_name, **kwargs)


def shown(request: HttpRequest) -> list[tuple[str, str]]:
    return request.session.pop(_SHOWN_KEY, None) or []
