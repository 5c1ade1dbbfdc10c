"""Reads of the review chain: desks, inboxes, returns, tracking and counts."""

from typing import Any

from django.db.models import Q, QuerySet

from title_review.access.declarations import IN_CHAIN, Purpose, view_by_status
from title_review.access.declarations import policy as declaration_policy
from title_review.core.pagination import COUNT_CAP, capped_counts_where
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.selectors import for_list
from title_review.declarations.workflow import Status


def inbox_for(user: Any) -> QuerySet[Declaration]:
    """待审核材料 of a department or title office: in review at one of the user's desks."""
    return for_list(
        declaration_policy.visible(user, Purpose.DECIDE).filter(status__in=IN_CHAIN),
        "applicant",
        "employer",
        "round__series",
        "current_org",
    ).order_by("stage_since", "pk")


def employer_desk(user: Any, employer: Any) -> QuerySet[Declaration]:
    """单位审核: the employer's submitted declarations (never drafts, which stay with their filler)."""
    return for_list(
        declaration_policy.visible(user, Purpose.VIEW).filter(employer=employer).exclude(status=Status.DRAFT),
        "applicant",
        "round",
        "publicity",
    ).order_by("round_id", "applicant_name", "pk")


def tracked_by(user: Any) -> QuerySet[Declaration]:
    """上报材料跟踪: the applicant's own; an employer's submitted ones; what was reported to a reviewer's subtree
    (access.declarations, purpose VIEW)."""
    return declaration_policy.visible(user, Purpose.VIEW)


def visible_in_status(user: Any, status: str) -> QuerySet[Declaration]:
    """What the user may VIEW in one status, as a condition an index walk can stop early on (issue 12): the rows
    through their organisation scopes, or — when they have any — their own by id (one query on the applicant
    index; almost always none, and then no OR keeps PostgreSQL from the scope's index)."""
    scoped, own = view_by_status(user, status)
    own_ids = list(Declaration.objects.filter(own).values_list("pk", flat=True)) if own is not None else []
    condition = scoped
    if own_ids:
        condition = Q(pk__in=own_ids) if condition is None else condition | Q(pk__in=own_ids)
    if condition is None:
        return Declaration.objects.none()
    return Declaration.objects.filter(condition)


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


def status_counts(user: Any, within: Q | None = None, cap: int = COUNT_CAP) -> dict[str, int]:
    """How many declarations the user may VIEW (narrowed by `within`) per status, each count stopping at `cap` + 1
    (shown as "1,000+"), in one query. Each status is counted through the user's organisation scopes on the
    (status, employer) index and among their own by applicant — never by scanning a status's rows that lie
    outside the scope (issue 12)."""
    conditions: dict[Any, Q] = {}
    for status in Status.values:
        for key, part in zip(("scoped", "own"), view_by_status(user, status), strict=True):
            if part is not None:
                conditions[(status, key)] = part if within is None else part & within
    found = capped_counts_where(Declaration.objects.all(), conditions, cap)
    counts: dict[str, int] = {}
    for (status, _key), n in found.items():
        counts[status] = counts.get(status, 0) + n
    return counts


def employer_desk_counts(user: Any, employer: Any) -> dict[str, int]:
    """单位审核's counts per status: the employer's submitted declarations (as employer_desk lists them)."""
    return status_counts(user, Q(employer_id=employer.pk) & ~Q(status=Status.DRAFT))


def desk_counts(user: Any) -> list[dict[str, Any]]:
    """工作台: what waits at each of the user's desks, and how much of it for more than 5 days — capped
    counts (core.pagination) per desk and stage, in one query."""
    import datetime as dt

    from django.utils import timezone

    from title_review.access.declarations import DESK_CAPABILITIES
    from title_review.access.policies import grants_for
    from title_review.access.roles import CAPABILITIES
    from title_review.organisations.models import Organisation

    desk_roles = set().union(*(CAPABILITIES[c][0] for c in DESK_CAPABILITIES))
    desk_ids = sorted({g.organisation_id for g in grants_for(user) if g.role in desk_roles and g.organisation_id})
    if not desk_ids:
        return []
    late = timezone.now() - dt.timedelta(days=5)
    scope = declaration_policy.visible(user, Purpose.DECIDE)
    conditions: dict[Any, Q] = {}
    for desk in desk_ids:
        for status in IN_CHAIN:
            conditions[(desk, status, "n")] = Q(current_org_id=desk, status=status)
            conditions[(desk, status, "late")] = Q(current_org_id=desk, status=status, stage_since__lt=late)
    found = capped_counts_where(scope, conditions)
    names = dict(Organisation.objects.filter(pk__in=desk_ids).values_list("pk", "name"))
    return [
        {
            "desk": names.get(desk, ""),
            "label": Status(status).label,
            "n": found[(desk, status, "n")],
            "late": found.get((desk, status, "late"), 0),
        }
        for desk in desk_ids
        for status in IN_CHAIN
        if (desk, status, "n") in found
    ]
