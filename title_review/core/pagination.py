"""The list pattern's pagination: a capped count and one page query, whatever the table size.

Counting every row of a list that may hold 300,000 declarations costs more than the page itself, and
nobody reads past the first few hundred rows; the count stops at COUNT_CAP ("共 1,000+ 条") and the
pages after it are not offered (narrow the list with its filters instead). Exact totals that people
need (a desk's counts per stage) are computed by the pages that show them, once.

A capped count reads up to COUNT_CAP + 1 index entries, so its cost grows with the cap, not the table:
measured on bench/lists.py, 10,000 made every count-showing page 1.5–2 × slower at 300,000 declarations
than at 3,000 (ten statuses × 10,001 entries); at 1,000 they stay within 1.3 × (ADR 0029).
"""

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20
# An employer's own registries (单位工作人员, 经办账号, 工作账号): longer pages, the same cap and filters.
REGISTRY_PAGE_SIZE = 50
COUNT_CAP = 1_000  # was 10,000 (ADR 0029)


def capped_label(count: int, cap: int = COUNT_CAP) -> str:
    """A capped count as the pages show it: "1,000+" past the cap."""
    return f"{cap:,}+" if count > cap else str(count)


class CappedPaginator(Paginator):
    """A paginator whose COUNT reads at most `cap + 1` rows (SELECT COUNT(*) FROM (… LIMIT cap + 1))."""

    def __init__(self, object_list: QuerySet, per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]  # a number, as Paginator's
        queryset = self.object_list
        if isinstance(queryset, QuerySet):
            # Only the primary key in the limited subquery: a list's annotations (a name taken out of the snapshot
            # JSON) would otherwise be computed per row and keep PostgreSQL from an index-only count.
            return queryset.order_by().values("pk")[: self.cap + 1].count()
        return min(len(queryset), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return capped_label(self.count, self.cap)

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        shown = min(self.count, self.cap)
        return max(1, -(-shown // self.per_page))


# Where a value goes in a condition built once for several values (capped_counts_where's `each`). NUL cannot be
# stored in a PostgreSQL text column, so no real value is ever this.
MARKER = "\x00value\x00"


def capped_counts(queryset: QuerySet, field: str, values: list[Any], cap: int = COUNT_CAP) -> dict[Any, int]:
    """How many rows of `queryset` have each value of `field`, each count stopping at `cap` + 1, in one
    query of scalar subqueries (each reads at most cap + 1 index entries) instead of grouping every row."""
    return capped_counts_where(queryset, {value: Q(**{field: value}) for value in values}, cap)


def capped_counts_where(
    queryset: QuerySet,
    conditions: dict[Any, Q],
    cap: int = COUNT_CAP,
    *,
    each: dict[Any, list[tuple[Any, Any]]] | None = None,
) -> dict[Any, int]:
    """Capped counts of `queryset` under each condition (keys are returned for non-zero counts), one query:
    ``SELECT (SELECT COUNT(*) FROM (… LIMIT cap + 1)), …``.

    `each` counts one condition for several values: the condition under a key of `each` is written with MARKER
    where the value goes, and is counted once per `(result key, value)` pair with the value in the marker's
    place. The ORM builds and compiles such a condition once, not once per value — a desk's counts per status
    (reviews.selectors.status_counts) took 30 subqueries' worth of query building per page before."""
    each = each or {}
    db = queryset.db
    columns: list[str] = []
    params: list[Any] = []
    keys: list[Any] = []
    for key, condition in conditions.items():
        limited = queryset.order_by().filter(condition).values("pk")[: cap + 1]
        try:
            sql, found_params = limited.query.get_compiler(using=db).as_sql()
        except EmptyResultSet:  # a condition that cannot hold (an empty IN list): nothing to count
            continue
        for result_key, value in each.get(key, [(key, MARKER)]):
            # The ORM's own SQL with every value a bound parameter.
            columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_rows)")  # noqa: S608
            params.extend(value if p == MARKER else p for p in found_params)
            keys.append(result_key)
    if not columns:
        return {}
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return {key: n for key, n in zip(keys, row, strict=True) if n}


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE, counted: int | None = None) -> Page:
    """The page of `queryset` that ``?page=`` asks for. `counted`: its capped count when the caller already has it
    (the sum of the page's per-status counts, say — capped_total), so the paginator does not count the rows a
    second time."""
    return page_of(queryset, request.GET.get("page"), per_page=per_page, counted=counted)


def page_of(queryset: QuerySet, number: Any, *, per_page: int = PAGE_SIZE, counted: int | None = None) -> Page:
    """Page `number` of `queryset` (past the last page, the last; not a number, the first), counted as paginate."""
    paginator = CappedPaginator(queryset, per_page)
    if counted is not None:
        paginator.__dict__["count"] = counted  # the cached_property's value
    return paginator.get_page(number)


def capped_total(counts: Iterable[int], cap: int = COUNT_CAP) -> int:
    """The capped count of a union of disjoint parts from their capped counts: exact while no part reached the cap,
    otherwise cap + 1 (the whole is over the cap as soon as one part is)."""
    return min(sum(counts), cap + 1)


def registry_page(request: HttpRequest, queryset: QuerySet, *lookups: str) -> dict[str, Any]:
    """An employer's registry page (ADR 0052): rows holding the keyword in any of `lookups` (``field__contains``
    and the like), a page of REGISTRY_PAGE_SIZE, and what the filter and the pagination bar show. The keyword
    is ``?q=`` without surrounding spaces, at most 50 characters."""
    keyword = (request.GET.get("q") or "").strip()[:50]
    if keyword:
        matching = Q()
        for lookup in lookups:
            matching |= Q(**{lookup: keyword})
        queryset = queryset.filter(matching)
    return {
        "page": paginate(request, queryset, per_page=REGISTRY_PAGE_SIZE),
        "keyword": keyword,
        "query": query_without_page(request),
    }


def posted_page(request: HttpRequest) -> str:
    """The page of a list a form was posted from (its hidden ``page``), to go back to: digits only (at most six),
    else "" — never a value to put in a URL unchecked."""
    number = request.POST.get("page", "")
    return number if number.isascii() and number.isdigit() and len(number) <= 6 else ""


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links and exports."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
