"""Reads of the exchange app: what a user may export, and the received declarations they may see."""

from typing import Any

from django.db.models import QuerySet

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
    """Accepted declarations the user may see (上报材料跟踪) and may exchange (exchange.manage); the scope is
    resolved to organisation ids (the list pattern, issue 12)."""
    scope = scope_filter(user, "exchange.manage", org_field="employer_id")
    if scope is None:
        return Declaration.objects.none()
    return tracked_by(user).filter(scope, status=Status.ACCEPTED)


# 交换数据包 lists at most this many rounds (newest first).
EXPORTABLE_ROUNDS = 100


def exportable_rounds(user: Any) -> list[dict[str, Any]]:
    """The rounds with accepted declarations the user may export: per round a capped count ("1,000+") and the
    latest 受理 time, each an indexed probe — no aggregate over every accepted row (issue 12). Three queries."""
    from django.db.models import Exists, OuterRef, Q, Subquery

    from title_review.core.pagination import COUNT_CAP, capped_counts_where
    from title_review.rounds.models import Round

    exportable = exportable_to(user).order_by()
    in_round = exportable.filter(round=OuterRef("pk"))
    rounds = list(
        Round.objects.filter(Exists(in_round))
        .annotate(last=Subquery(in_round.order_by("-stage_since", "-pk").values("stage_since")[:1]))
        .order_by("-year", "title", "pk")
        .values("pk", "title", "year", "last")[:EXPORTABLE_ROUNDS]
    )
    counts = capped_counts_where(exportable, {r["pk"]: Q(round_id=r["pk"]) for r in rounds})
    return [
        {
            "round_id": r["pk"],
            "round__title": r["title"],
            "round__year": r["year"],
            "n": f"{COUNT_CAP:,}+" if counts.get(r["pk"], 0) > COUNT_CAP else counts.get(r["pk"], 0),
            "last": r["last"],
        }
        for r in rounds
    ]


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
