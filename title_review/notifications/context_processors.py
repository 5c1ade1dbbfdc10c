"""The unread count behind the top bar's 站内信 badge (templates/layout.html)."""

from collections.abc import Callable

from django.http import HttpRequest

from title_review.access.policies import has_capability

from .selectors import unread_count

_CACHE_ATTR = "_unread_notifications"


def _badge_count(request: HttpRequest) -> int | None:
    """The unread count for the top bar, counted at most once per request; None hides the badge link."""
    if not hasattr(request, _CACHE_ATTR):
        user = request.user
        # The grants are already loaded for the menu (cached on the user): no query for this check.
        count = unread_count(user) if has_capability(user, "home.view") else None
        setattr(request, _CACHE_ATTR, count)
    value: int | None = getattr(request, _CACHE_ATTR)
    return value


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int | None] | None]:
    """`unread_notifications` for the top bar badge.

    A callable, which the template engine calls only where a template uses it: htmx fragments and
    pages without the top bar run no query, a page with it one COUNT. Anonymous visitors: None.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": None}
    return {"unread_notifications": lambda: _badge_count(request)}
