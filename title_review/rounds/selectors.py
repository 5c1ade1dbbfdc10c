from typing import Any

from django.db.models import Q, QuerySet

from title_review.access.policies import scope_filter

from .models import Committee, Round, RoundStatus


def rounds_visible_to(user: Any) -> QuerySet[Round]:
    """Published rounds are public notices (every signed-in user finds them); drafts only to their managers."""
    visible = Q(status=RoundStatus.PUBLISHED)
    manage = scope_filter(user, "round.manage", path_field="publisher__path")
    if manage is not None:
        visible |= manage
    return Round.objects.filter(visible)


def search_rounds(user: Any, *, keyword: str = "", publisher: str = "", year: int | None = None) -> QuerySet[Round]:
    qs = rounds_visible_to(user).select_related("publisher", "committee", "series")
    if keyword:
        qs = qs.filter(
            Q(title__icontains=keyword) | Q(notice__icontains=keyword) | Q(committee__name__icontains=keyword)
        )
    if publisher:
        qs = qs.filter(publisher__name__icontains=publisher)
    if year:
        qs = qs.filter(year=year)
    return qs


def committees_visible_to(user: Any) -> QuerySet[Committee]:
    manage = scope_filter(user, "round.manage", path_field="host__path")
    return Committee.objects.filter(manage) if manage is not None else Committee.objects.none()
