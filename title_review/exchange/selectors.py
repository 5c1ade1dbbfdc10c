"""Reads of the exchange app: what a user may export, and the received declarations they may see."""

from typing import Any

from django.db.models import Count, Max, QuerySet

from title_review.access import scoped
from title_review.access.policies import scope_filter
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews.selectors import tracked_by

from .models import Installation, ReceivedDeclaration, ReceivedFile, round_label


def local_installation() -> str:
    """This installation's id in the packages it exports: a UUID stored once in the database."""
    row, _created = Installation.objects.get_or_create(pk=1)
    return str(row.uuid)


def exportable_to(user: Any) -> QuerySet[Declaration]:
    """Accepted declarations the user may see (上报材料跟踪) and may exchange (exchange.manage)."""
    scope = scope_filter(user, "exchange.manage", path_field="employer__path")
    if scope is None:
        return Declaration.objects.none()
    return tracked_by(user).filter(scope, status=Status.ACCEPTED)


def exportable_rounds(user: Any) -> list[dict[str, Any]]:
    """The rounds with accepted declarations the user may export, with their counts (one query)."""
    return list(
        exportable_to(user)
        .order_by()
        .values("round_id", "round__title", "round__year")
        .annotate(n=Count("id"), last=Max("stage_since"))
        .order_by("-round__year", "round__title", "round_id")
    )


def received_visible_to(user: Any) -> QuerySet[ReceivedDeclaration]:
    """Received declarations in the subtree where the user holds exchange.manage."""
    return scoped.received.visible(user, "manage")


def received_files_visible_to(user: Any) -> QuerySet[ReceivedFile]:
    return scoped.received_files.visible(user, "manage")


def received_rounds(user: Any) -> list[dict[str, Any]]:
    """The rounds among the user's received declarations, for the list page's filter."""
    rows = (
        received_visible_to(user)
        .order_by()
        .values("source_installation", "source_round_id", "round_title", "round_year")
        .distinct()
        .order_by("-round_year", "round_title")[:200]
    )
    return [
        {
            "key": f"{r['source_installation']}:{r['source_round_id']}",
            "label": round_label(r["round_year"], r["round_title"]),
        }
        for r in rows
    ]
