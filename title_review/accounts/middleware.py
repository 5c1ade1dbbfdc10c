import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from title_review.core.policies import get_policy

from . import resume

KEPT_NOTE = "登录已超时，请重新登录。您刚才提交的内容已保留，登录后可确认继续提交。"
LAPSED_NOTE = "登录已超时，请重新登录。"


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, and: a form sent after the login lapsed is kept for the same person (accounts.resume), the login
    page says the login lapsed, a POST comes back to its form's page rather than to an address that takes only
    POST, and an htmx request sends the whole page to the login page (not the login form into a fragment)."""

    # The htmx answer is a client-side redirect (200 with HX-Redirect), not the HttpResponseRedirect of the stubs.
    def handle_no_permission(self, request: HttpRequest, view_func: Any) -> HttpResponse:  # type: ignore[override]
        lapsed = resume.lapsed_user_id(request)
        htmx = request.headers.get("HX-Request") == "true"
        note = None
        if lapsed is not None:
            request.session[resume.LAPSED_KEY] = lapsed
            note = LAPSED_NOTE
        if request.method == "POST":
            next_url = resume.back_page(request)
            if lapsed is not None and request.path != reverse("accounts:logout"):
                note = resume.refusal(request)
                if note is None:
                    resume.keep(request, lapsed)
                    next_url, note = reverse("accounts:resume"), KEPT_NOTE
        elif htmx:
            next_url = resume.same_site_path(request, request.headers.get("HX-Current-URL", ""))
        else:
            next_url = request.get_full_path()
        if note:
            messages.info(request, note)
        login = redirect_to_login(
            next_url, resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )["Location"]
        return HttpResponseClientRedirect(login) if htmx else HttpResponseRedirect(login)


class ForcePasswordChangeMiddleware:
    """An account on a one-time password may do nothing but change it (and sign out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and (getattr(user, "must_change_password", False) or _expired(user)):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        elif user.is_authenticated and getattr(user, "kind", "") == "filing" and user.person_id is None:
            # 个人申报账号: the holder names themselves before anything else (完善身份信息).
            allowed = {reverse("accounts:complete_identity"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:complete_identity")
        return self.get_response(request)


def _expired(user: object) -> bool:
    """The optional maximum password age (等保 三级 setting, off by default)."""
    from datetime import timedelta

    from django.utils import timezone

    days = int(get_policy("password.max_age_days"))
    changed = getattr(user, "password_changed_at", None) or getattr(user, "date_joined", None)
    return bool(days) and changed is not None and changed < timezone.now() - timedelta(days=days)


# Where the idle session keeps the time of its last renewal (seconds since the epoch).
RENEWED_KEY = "_renewed_at"


class IdleSessionMiddleware:
    """等保 三级's idle timeout without a session write on every request.

    A signed-in session lapses SESSION_COOKIE_AGE (30 minutes) after it was last saved. Rather than save it on
    every request (SESSION_SAVE_EVERY_REQUEST: one UPDATE per page, image and htmx call), a request renews it
    when its last renewal is SESSION_RENEW_SECONDS (60) old or more; SessionMiddleware then saves it with a new
    expiry. A person who stops working is signed out 29-30 minutes after the last request: never later than
    the 30 minutes. Requests without a session (anonymous visitors) create none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or response.status_code >= 500:
            return response
        if session.is_empty() or not session.keys():
            return response
        now = int(time.time())
        if now - int(session.get(RENEWED_KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_KEY] = now
        return response
