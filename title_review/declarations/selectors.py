from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT

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


# What a list row never shows: the dossier's JSON and the joined accounts' secrets. A list selects the
# rest (the list pattern, issue 12); the page of one declaration reads it whole.
LIST_DEFERRED = (
    "snapshot",
    "picks",
    "chain",
    "section_data",
    "recommenders",
    "correction_items",
    "forward_contact",
    "employer_opinion",
)


def for_list(queryset: QuerySet, *related: str) -> QuerySet:
    """A declaration queryset shaped for a list: the related rows it shows, without the heavy columns, and
    the 申报资格 name taken out of the snapshot in SQL (``qualification_name``)."""
    deferred = list(LIST_DEFERRED)
    if "applicant" in related:
        deferred += ["applicant__password", "applicant__permissions", "applicant__agreement_version"]
    return (
        queryset.select_related(*related)
        .defer(*deferred)
        .annotate(qualification_name=KT("snapshot__target_qualification__name"))
    )
