from typing import Any

from django.http import HttpRequest

from .menu import menu_for
from .policies import grants_for
from .roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    labels = dict(Role.choices)
    return {
        "menu": menu_for(user),
        "user_roles": sorted({str(labels.get(g.role, g.role)) for g in grants_for(user)}),
    }
