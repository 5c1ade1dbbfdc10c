"""The list pattern's pagination: a capped count and one page query, whatever the table size.

Counting every row of a list that may hold 300,000 declarations costs more than the page itself, and
nobody reads past the first few hundred rows; the count stops at COUNT_CAP ("共 1,000+ 条") and the
pages after it are not offered (narrow the list with its filters instead). Exact totals that people
need (a desk's counts per stage) are computed by the pages that show them, once.

A capped count reads up to COUNT_CAP + 1 index entries, so its cost grows with the cap, not the table:
measured on bench/lists.py, 10,000 made every count-showing page 1.5–2 × slower at 300,000 declarations
than at 3,000 (ten statuses × 10,001 entries); at 1,000 they stay within 1.3 × (ADR 0029).
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, Q, QuerySet, Subquery
from django.http import HttpRequest

PAGE_SIZE = 20
COUNT_CAP = 1_000  # was 10,000 (ADR 0029)


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
        return f"{self.cap:,}+" if self.capped else str(self.count)

    @cached_property
    def num_pages(self) -> int:  # type: ignore[override]
        shown = min(self.count, self.cap)
        return max(1, -(-shown // self.per_page))


class _CappedCount(Subquery):
    """COUNT(*) of a subquery that is itself limited: reads at most its LIMIT rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped_rows)"
    output_field = IntegerField()


def capped_counts(queryset: QuerySet, field: str, values: list[Any], cap: int = COUNT_CAP) -> dict[Any, int]:
    """How many rows of `queryset` have each value of `field`, each count stopping at `cap` + 1, in one
    query of scalar subqueries (each reads at most cap + 1 index entries) instead of grouping every row."""
    return capped_counts_where(queryset, {value: Q(**{field: value}) for value in values}, cap)


def capped_counts_where(queryset: QuerySet, conditions: dict[Any, Q], cap: int = COUNT_CAP) -> dict[Any, int]:
    """Capped counts of `queryset` under each condition (keys are returned for non-zero counts), one query."""
    if not conditions:
        return {}
    keys = list(conditions)
    columns = {
        f"n{i}": _CappedCount(queryset.order_by().filter(conditions[key]).values("pk")[: cap + 1])
        for i, key in enumerate(keys)
    }
    row = queryset.model._default_manager.order_by().annotate(**columns).values(*columns)[:1]
    found = next(iter(row), None)
    if found is None:
        return {}
    return {key: found[f"n{i}"] for i, key in enumerate(keys) if found[f"n{i}"]}


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    paginator = CappedPaginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links and exports."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
