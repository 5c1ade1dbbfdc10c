from typing import Any

from django.db.models import Q, QuerySet

from title_review.access.policies import scope_filter

from .models import Declaration


def declarations_visible_to(user: Any) -> QuerySet[Declaration]:
    """The applicant's own declarations, plus those of the employers (and subtrees) the user reviews."""
    if not getattr(user, "is_authenticated", False):
        return Declaration.objects.none()
    visible = Q(applicant=user)
    scope = scope_filter(user, "declaration.view", path_field="employer__path")
    if scope is not None:
        visible |= scope
    return Declaration.objects.filter(visible)


def employer_counts(user: Any, employer: Any) -> dict[str, dict[str, int]]:
    """Declarations of one employer per round title and status (one aggregate query)."""
    from django.db.models import Count

    rows = (
        declarations_visible_to(user)
        .filter(employer=employer)
        .values("round__title", "status")
        .annotate(n=Count("id"))
        .order_by("round__title")
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["round__title"], {})[row["status"]] = row["n"]
    return counts
