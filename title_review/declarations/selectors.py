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
