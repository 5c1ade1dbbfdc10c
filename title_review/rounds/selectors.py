from typing import Any

from django.db.models import Q, QuerySet

from title_review.access import rounds as round_access

from .models import Committee, Round


def rounds_visible_to(user: Any) -> QuerySet[Round]:
    """Published rounds are public notices (every signed-in user finds them); drafts only to their managers."""
    return round_access.policy.visible(user, round_access.VIEW)


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
    return round_access.committee_policy.visible(user, round_access.MANAGE)
