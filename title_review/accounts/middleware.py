from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from title_review.core.policies import get_policy


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
