"""Reads of the exchange app: what a user may export, and the received declarations they may see."""

from typing import Any

from django.db.models import QuerySet

from title_review.access import scoped
from title_review.access.policies import scope_filter
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews.selectors import visible_in_status

from .models import Installation, ReceivedDeclaration, ReceivedFile, round_label


def local_installation() -> str:
    """This installation's id in the packages it exports: a UUID stored once in the database."""
    row, _created = Installation.objects.get_or_create(pk=1)
    return str(row.uuid)


def exportable_to(user: Any) -> QuerySet[Declaration]:
    """Accepted declarations the user may see (上报材料跟踪) and may exchange (exchange.manage); the scope is
    resolved to organisation ids (the list pattern, issue 12). VIEW's accepted rows are taken apart
    (reviews.selectors.visible_in_status): the same rows, but 选择导出 counts them on the accepted-per-round index
    instead of through the applicant-or-scope OR over every status."""
    scope = scope_filter(user, "exchange.manage", org_field="employer_id")
    if scope is None:
        return Declaration.objects.none()
    return visible_in_status(user, Status.ACCEPTED).filter(scope)


# 交换数据包 lists at most this many rounds (newest first).
EXPORTABLE_ROUNDS = 100


def exportable_rounds(user: Any) -> list[dict[str, Any]]:
    """The rounds with accepted declarations the user may export: per round a capped count ("1,000+") and the
    latest 受理 time, each an indexed probe — no aggregate over every accepted row (issue 12). VIEW is taken
    apart (access.declarations.view_by_status): the rows through the user's organisation scopes, on the
    (status, employer) and accepted-per-round indexes, and the user's own by applicant. Three queries."""
    from django.db.models import OuterRef, Q, Subquery

    from title_review.access.declarations import view_by_status
    from title_review.core.pagination import COUNT_CAP, capped_counts_where
    from title_review.rounds.models import Round

    scope = scope_filter(user, "exchange.manage", org_field="employer_id")
    parts = [part & scope for part in view_by_status(user, Status.ACCEPTED) if part is not None and scope is not None]
    if not parts:
        return []
    newest = [
        Subquery(
            Declaration.objects.filter(part, round=OuterRef("pk"))
            .order_by("-stage_since", "-pk")
            .values("stage_since")[:1]
        )
        for part in parts
    ]
    # A round has accepted declarations here when one of the latest-受理 probes finds one (no EXISTS: the planner
    # turned it into a walk of the round's whole accepted index).
    found = Q()
    for i in range(len(parts)):
        found |= Q(**{f"last{i}__isnull": False})
    rounds = list(
        Round.objects.annotate(**{f"last{i}": last for i, last in enumerate(newest)})
        .filter(found)
        .order_by("-year", "title", "pk")
        .values("pk", "title", "year", *(f"last{i}" for i in range(len(parts))))[:EXPORTABLE_ROUNDS]
    )
    conditions = {(r["pk"], i): part & Q(round_id=r["pk"]) for r in rounds for i, part in enumerate(parts)}
    counts = capped_counts_where(Declaration.objects.all(), conditions)
    result = []
    for r in rounds:
        n = sum(counts.get((r["pk"], i), 0) for i in range(len(parts)))
        times = [r[f"last{i}"] for i in range(len(parts)) if r[f"last{i}"] is not None]
        result.append(
            {
                "round_id": r["pk"],
                "round__title": r["title"],
                "round__year": r["year"],
                "n": f"{COUNT_CAP:,}+" if n > COUNT_CAP else n,
                "last": max(times) if times else None,
            }
        )
    return result


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
