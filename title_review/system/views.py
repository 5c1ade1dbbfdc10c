from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from title_review.access.decorators import public, rule


@rule("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """工作台; an employer sees its declarations per round (待审核, 被退回, 填写中)."""
    from title_review.access.policies import can
    from title_review.declarations.selectors import employer_counts

    employer = getattr(request.user, "organisation", None)
    counts = (
        employer_counts(request.user, employer) if employer and can(request.user, "declaration.fill", employer) else {}
    )
    return render(request, "system/home.html", {"employer_counts": counts})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"exception": message}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@rule("policy.view")
def policies(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from title_review.access.policies import has_capability
    from title_review.core.errors import DomainError
    from title_review.core.policies import DEFAULTS, LABELS, get_policy

    from . import services

    can_manage = has_capability(request.user, "policy.manage")
    if request.method == "POST":
        try:
            services.set_policy(
                actor=request.user, key=request.POST.get("key", ""), raw_value=request.POST.get("value", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "参数已保存。")
        return redirect("system:policies")
    rows = [
        {"key": key, "label": LABELS.get(key, key), "value": get_policy(key), "default": default}
        for key, default in DEFAULTS.items()
    ]
    return render(request, "system/policies.html", {"rows": rows, "can_manage": can_manage})
