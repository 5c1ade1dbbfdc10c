"""Every URL pattern declares an access rule; a new page without one fails here."""

from django.urls import URLPattern, URLResolver, get_resolver

from title_review.access.roles import CAPABILITIES

# Framework views that carry their own guard.
EXEMPT_PREFIXES = ("static/",)
MARKERS = {"public", "authenticated"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def view_attribute(callback, name):
    """An attribute set on a view function by a decorator, or on its view class (API views)."""
    value = getattr(callback, name, None)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if value is None and view_class is not None:
        value = getattr(view_class, name, None)
    return value


def _rule_of(callback):
    return view_attribute(callback, "access_rule")


def test_every_url_has_an_access_rule():
    missing = []
    unknown = []
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES):
            continue
        rule = _rule_of(callback)
        if rule is None:
            missing.append(route)
        elif rule not in MARKERS and rule not in CAPABILITIES:
            unknown.append((route, rule))
    assert not missing, f"URLs without an access rule: {missing}"
    assert not unknown, f"URLs naming an unknown capability: {unknown}"


def test_the_walker_sees_the_pages_it_guards():
    routes = {route for route, _cb in _walk(get_resolver().url_patterns)}
    assert "organisations/<int:pk>/" in routes
    assert "api/v1/organisations/<int:pk>/" in routes


def test_public_urls_are_few_and_named():
    public = sorted(route for route, cb in _walk(get_resolver().url_patterns) if _rule_of(cb) == "public")
    assert public == [
        "accounts/agreement/<slug:name>/",
        "accounts/login/",
        "accounts/password/reset/",
        "accounts/register/",
        "api/v1/accounts/password-reset/",
        "api/v1/accounts/register/",
        "api/v1/employers/register/",
        "certificates/verify/",  # 证书查验 (ADR 0039)
        "certificates/verify/<str:token>/",
        "healthz",
        "help/",
        "organisations/employer/password/reset/",
        "organisations/employer/register/",
        "organisations/employer/register/name/",
        "public/",  # 公共服务门户: 通知公告 and the links to the public pages
        "public/notices/files/<int:pk>/",  # a published round's 通知附件 (access.public)
        "readyz",
        "results/publicity/",
        "results/publicity/objection/",
        "verification/captcha/<slug:key>.png",
        "verification/captcha/new/",
        "verification/sms/send/",
    ]
