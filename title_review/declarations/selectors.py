from typing import Any

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy


def employer_counts(user: Any, employer: Any) -> dict[str, dict[str, int]]:
    """Declarations of one employer per round title and status (one aggregate query)."""
    from django.db.models import Count

    rows = (
        declaration_policy.visible(user, Purpose.FILL)
        .filter(employer=employer)
        .values("round__title", "status")
        .annotate(n=Count("id"))
        .order_by("round__title")
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["round__title"], {})[row["status"]] = row["n"]
    return counts
