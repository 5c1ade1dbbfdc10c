"""Every URL declares its access rule; tests/test_url_rules.py fails on one that does not."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .policies import has_capability

F = TypeVar("F", bound=Callable[..., Any])


def rule(action: str) -> Callable[[F], F]:
    """The view needs `action` somewhere; object views narrow further with `*_visible_to`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not has_capability(request.user, action):
                if kwargs:
                    # An object URL never confirms that the object exists to someone outside it.
                    raise Http404
                raise PermissionDenied("您没有权限访问此页面。")
            return view(request, *args, **kwargs)

        wrapper.access_rule = action  # type: ignore[attr-defined]  # read by the URL walker test
        return wrapper  # type: ignore[return-value]  # wraps keeps the signature

    return decorate


def guards(kind: str, purpose: str) -> Callable[[F], F]:
    """Name the object policy (access.kinds.POLICIES) and purpose that decide which object a URL reaches.

    The scope-matrix test requires it on every URL that takes an object id and tries each such URL as
    every role of the demo tree against the policy. It documents; the view itself must call the policy."""

    def decorate(view: F) -> F:
        view.object_policy = (kind, purpose)  # type: ignore[attr-defined]  # read by the scope-matrix test
        return view

    return decorate


def authenticated(view: F) -> F:
    """Any signed-in user (their own account pages); LoginRequiredMiddleware enforces it."""
    view.access_rule = "authenticated"  # type: ignore[attr-defined]  # read by the URL walker test
    return view


def public(view: F) -> F:
    """Open to anonymous visitors (login page, public notices). Kept deliberately rare."""
    view = login_not_required(view)
    view.access_rule = "public"  # type: ignore[attr-defined]  # read by the URL walker test
    return view
