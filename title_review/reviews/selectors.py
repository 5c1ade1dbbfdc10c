"""Reads of the review chain: desks, inboxes, returns, tracking and counts."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from title_review.access.policies import scope_filter
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.selectors import declarations_visible_to
from title_review.declarations.workflow import Status

DESK_CAPABILITIES = ("review.department", "review.qualification", "review.return")
# What reviewers above the employer may look at: material that was forwarded at least once.
FORWARDED = (
    Status.IN_REVIEW,
    Status.QUALIFICATION_CHECK,
    Status.ACCEPTED,
    Status.REJECTED,
)


def desk_filter(user: Any, capabilities: tuple[str, ...] = DESK_CAPABILITIES) -> Q | None:
    """Declarations sitting at an organisation where the user decides."""
    q: Q | None = None
    for capability in capabilities:
        part = scope_filter(user, capability, path_field="current_org__path")
        if part is not None:
            q = part if q is None else q | part
    return q


def inbox_for(user: Any) -> QuerySet[Declaration]:
    """待审核材料 of a department or title office: in review at one of the user's desks."""
    q = desk_filter(user)
    if q is None:
        return Declaration.objects.none()
    return (
        Declaration.objects.filter(q, status__in=(Status.IN_REVIEW, Status.QUALIFICATION_CHECK))
        .select_related("applicant", "employer", "round__series", "current_org")
        .order_by("stage_since", "pk")
    )


def employer_desk(user: Any, employer: Any) -> QuerySet[Declaration]:
    return (
        declarations_visible_to(user)
        .filter(employer=employer)
        .select_related("applicant", "round", "publicity")
        .order_by("round_id", "applicant__real_name", "pk")
    )


def tracked_by(user: Any) -> QuerySet[Declaration]:
    """上报材料跟踪: the applicant's own; an employer's submitted ones; what reached a reviewer's subtree."""
    own = Q(applicant=user)
    employer = None
    for capability in ("declaration.fill", "review.employer", "review.employer_view"):
        part = scope_filter(user, capability, path_field="employer__path")
        if part is not None:
            employer = part if employer is None else employer | part
    reviewer = scope_filter(user, "review.inbox", path_field="employer__path")
    q = own
    if employer is not None:
        q |= employer & ~Q(status=Status.DRAFT)
    if reviewer is not None:
        # A return from above keeps its chain (cleared only at the next 提交); the employer's own
        # returns happen before any 上报, so the levels above never see those.
        q |= reviewer & (Q(status__in=FORWARDED) | (Q(status=Status.RETURNED) & ~Q(chain=[])))
    return Declaration.objects.filter(q)


def records_of(declaration: Declaration) -> QuerySet[ReviewRecord]:
    return declaration.records.select_related("organisation").order_by("created_at", "pk")


def last_returns(declarations: list[Declaration]) -> dict[int, ReviewRecord]:
    """The latest return record of each declaration, in one query."""
    rows = (
        ReviewRecord.objects.filter(declaration__in=declarations, action="return")
        .select_related("organisation")
        .order_by("declaration_id", "-created_at", "-pk")
    )
    latest: dict[int, ReviewRecord] = {}
    for row in rows:
        latest.setdefault(row.declaration_id, row)
    return latest


def status_counts(queryset: QuerySet[Declaration]) -> dict[str, int]:
    return {row["status"]: row["n"] for row in queryset.order_by().values("status").annotate(n=Count("id"))}


def desk_counts(user: Any) -> list[dict[str, Any]]:
    """工作台: what waits at each of the user's desks, and how much of it for more than 5 days (one query)."""
    import datetime as dt

    from django.utils import timezone

    q = desk_filter(user)
    if q is None:
        return []
    late = timezone.now() - dt.timedelta(days=5)
    rows = (
        Declaration.objects.filter(q, status__in=(Status.IN_REVIEW, Status.QUALIFICATION_CHECK))
        .order_by()
        .values("current_org__name", "status")
        .annotate(n=Count("id"), late=Count("id", filter=Q(stage_since__lt=late)))
    )
    return [
        {"desk": r["current_org__name"], "label": Status(r["status"]).label, "n": r["n"], "late": r["late"]}
        for r in rows
    ]
