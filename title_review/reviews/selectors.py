"""Reads of the review chain: desks, inboxes, returns, tracking and counts."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KT

from title_review.access.declarations import (
    IN_CHAIN,
    Purpose,
    fill_at_employer,
    statuses_alike_under_view,
    view_by_status,
)
from title_review.access.declarations import policy as declaration_policy
from title_review.access.policies import can
from title_review.core.pagination import COUNT_CAP, MARKER, capped_counts_where
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.selectors import RECENT_FIRST, for_list
from title_review.declarations.workflow import Status

from .filters import Search, Sort, filter_declarations, parse_search, parse_sort, search_declarations
from .lists import LISTS, ListColumn, ListDefinition
from .models import ListColumns


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


def publicity_rows(publicity: Any) -> QuerySet[Declaration]:
    """The people of one 单位内部公示 for its 公示表, by name: only what the sheet prints (name, 申报资格 out of the
    snapshot in SQL, 申报专业, 单位意见, status) — never the snapshot or the applicant's account. The publicity
    column is read too: the related manager sets each row's publicity from it (deferred, a query per row)."""
    return (
        publicity.declarations.only(
            "pk", "publicity", "applicant_name", "target_qualification", "specialty", "employer_opinion", "status"
        )
        .annotate(qualification_name=KT("snapshot__target_qualification__name"))
        .order_by("applicant_name", "pk")
    )


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
    each: dict[Any, list[tuple[Any, Any]]] = {}
    # The conditions of statuses alike differ only in the status: built once per group, counted per status.
    for group in statuses_alike_under_view():
        for key, part in zip(("scoped", "own"), view_by_status(user, group[0], value=MARKER), strict=True):
            if part is not None:
                conditions[(group[0], key)] = part if within is None else part & within
                each[(group[0], key)] = [((status, key), status) for status in group]
    found = capped_counts_where(Declaration.objects.all(), conditions, cap, each=each)
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


# ---------------------------------------------------------------- the staff lists (issue 15 point 7)


def _inbox_scope(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    return declaration_policy.visible(user, Purpose.DECIDE).filter(status__in=IN_CHAIN)


def _tracking_scope(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    """上报材料跟踪: VIEW; filtered by one status (状态=已受理…), VIEW's rows in that status taken apart
    (visible_in_status) — the same rows, but counted through the scope's (status, employer) index instead of the
    applicant-or-scope OR over every status, which read a whole status of the province at 300,000 (issue 12)."""
    status = str(params.get("status", "") or "")
    if status in Status.values:
        return visible_in_status(user, status)
    return tracked_by(user)


def _accepted_scope(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    return visible_in_status(user, Status.ACCEPTED)


def _manage_scope(user: Any, params: Mapping[str, Any]) -> QuerySet[Declaration]:
    """管理材料: the declarations of the user's own employer it may fill or see there (drafts included)."""
    employer = getattr(user, "organisation", None)
    if employer is None or not can(user, "declaration.fill", employer):
        return Declaration.objects.none()
    return Declaration.objects.filter(fill_at_employer(user, employer))


# Each list's rows before filters, and its default order: the order of the index its scope walks (ADR 0029).
LIST_SCOPES: dict[str, tuple[Callable[[Any, Mapping[str, Any]], QuerySet[Declaration]], tuple[Any, ...]]] = {
    "inbox": (_inbox_scope, (F("stage_since").asc(), F("id").asc())),
    "tracking": (_tracking_scope, RECENT_FIRST),
    "accepted": (
        _accepted_scope,
        (F("round_id").asc(), F("employer_id").asc(), F("applicant_name").asc(), F("id").asc()),
    ),
    # One employer, per round, by name: the declaration_employer_names index.
    "manage": (_manage_scope, (F("round_id").asc(), F("applicant_name").asc(), F("id").asc())),
}


@dataclass(frozen=True)
class ListQuery:
    """One staff list as asked for: its rows (scoped, filtered, searched, ordered), what the search was, the
    sort applied and the sentences the page shows about the request (a bad sort key, a search too long…)."""

    definition: ListDefinition
    queryset: QuerySet[Declaration]
    search: Search
    sort: Sort
    notes: tuple[str, ...]
    # The capped count, when the sort needed it (the page's paginator reuses it instead of counting again).
    count: int | None = None


def list_query(user: Any, list_key: str, params: Mapping[str, Any], *, whole_count: int | None = None) -> ListQuery:
    """The rows of one staff list for `user` with the page's parameters — the page and its 导出汇总表 both read
    them here, so an export holds exactly the rows of the page, in the same order.

    A sort other than the list's own runs only when the filtered rows are at most COUNT_CAP (one capped count,
    cap + 1 index entries): beyond that the page keeps the order of its index and says so, as ADR 0029 keeps
    every page of a province-size scope from sorting the whole scope.

    `whole_count`, the capped count of the list's scope when the caller has it already (上报材料跟踪 adds up its
    counts per status), stands for the count whenever no filter or search narrowed the scope."""
    definition = LISTS[list_key]
    scope, default_order = LIST_SCOPES[list_key]
    search = parse_search(params)
    scoped = scope(user, params)
    queryset = search_declarations(search, filter_declarations(params, scoped))
    sort = parse_sort(params, definition)
    notes = [*search.notes, *sort.notes]
    # Filters and searches that apply return a new queryset; the same object is the scope as it was.
    count = whole_count if queryset is scoped else None
    if count is None and sort.keys:
        count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    if sort.keys and count is not None and count > COUNT_CAP:
        notes.append(
            f"符合条件的超过 {COUNT_CAP:,} 条，按默认顺序排列；请先用查询条件缩小到 {COUNT_CAP:,} 条以内再排序。"
        )
        sort = Sort(notes=sort.notes)
    if sort.keys:
        columns = {c.key: c for c in definition.columns}
        order = [columns[key].order(descending) for key, descending in sort.keys]
        queryset = queryset.order_by(*order, F("id").asc())
    else:
        queryset = queryset.order_by(*default_order)
    return ListQuery(definition, queryset, search, sort, tuple(notes), count)


def list_rows(query: ListQuery) -> QuerySet[Declaration]:
    """The list's queryset shaped for a page: the related rows its cells show, without the heavy columns."""
    return for_list(query.queryset, "applicant", "employer", "round", "current_org")


def columns_for(user: Any, list_key: str) -> list[ListColumn]:
    """The columns `user` keeps on one list (列设置), or the list's defaults; a key no longer defined is skipped."""
    definition = LISTS[list_key]
    chosen = ListColumns.objects.filter(user=user, list_key=list_key).values_list("columns", flat=True).first()
    keys = set(chosen) if isinstance(chosen, list) and chosen else set(definition.default_keys)
    shown = [c for c in definition.columns if c.key in keys]
    return shown or [c for c in definition.columns if c.shown]
