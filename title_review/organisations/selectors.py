from typing import Any

from django.db.models import Q, QuerySet

from title_review.access.policies import organisations_visible_to

from .models import Organisation


def organisation_tree(user: Any, *, q: str = "", kind: str = "", status: str = "") -> QuerySet[Organisation]:
    """The user's visible part of the tree in display order, narrowed by the search form."""
    qs = organisations_visible_to(user).select_related("region")
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q) | Q(credit_code=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.order_by("path")


def visible_organisation(user: Any, pk: int) -> Organisation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(organisations_visible_to(user).select_related("parent", "region"), pk=pk)
