"""The list pattern's counts: capped, one query, whatever the table size."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from title_review.core.pagination import MARKER, CappedPaginator, capped_counts, capped_counts_where, capped_total
from title_review.dictionaries.models import Entry

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_and_says_so(seeded):
    entries = Entry.objects.order_by("pk")
    total = entries.count()
    assert total > 30
    capped = CappedPaginator(entries, per_page=10, cap=25)
    assert capped.count == 26 and capped.capped and capped.count_label == "25+"
    assert capped.num_pages == 3  # pages past the cap are not offered
    exact = CappedPaginator(entries.filter(pk__in=list(entries.values_list("pk", flat=True)[:7])), per_page=5, cap=25)
    assert exact.count == 7 and not exact.capped and exact.count_label == "7" and exact.num_pages == 2


def test_counts_per_value_are_capped_and_take_one_query(seeded):
    types = list(Entry.objects.values_list("type__code", flat=True).distinct()[:4])
    expected = {t: Entry.objects.filter(type__code=t).count() for t in types}
    with CaptureQueriesContext(connection) as queries:
        counts = capped_counts(Entry.objects.all(), "type__code", types + ["no-such-type"], cap=50)
    assert len(queries) == 1
    assert counts == {t: min(n, 51) for t, n in expected.items() if n}
    assert "no-such-type" not in counts


def test_a_condition_built_once_is_counted_for_each_value(seeded):
    """`each`: one condition written with the marker, counted per value — the same numbers as one condition
    per value, in one query, with other values of the condition left as they were."""
    types = list(Entry.objects.values_list("type__code", flat=True).distinct()[:3])
    active_only = Q(is_active=True)
    one_per_value = capped_counts_where(Entry.objects.all(), {t: Q(type__code=t) & active_only for t in types}, cap=40)
    with CaptureQueriesContext(connection) as queries:
        built_once = capped_counts_where(
            Entry.objects.all(),
            {"type": Q(type__code=MARKER) & active_only, "inactive": Q(type__code=MARKER, is_active=False)},
            cap=40,
            each={"type": [(t, t) for t in types], "inactive": [(("off", t), t) for t in types]},
        )
    assert len(queries) == 1
    assert MARKER not in str(queries.captured_queries[0]["sql"])
    assert {k: n for k, n in built_once.items() if k in types} == one_per_value
    assert one_per_value and all(n <= 41 for n in one_per_value.values())
    for t in types:
        inactive = Entry.objects.filter(type__code=t, is_active=False).count()
        assert built_once.get(("off", t), 0) == min(inactive, 41)


def test_a_condition_that_cannot_hold_counts_nothing(seeded):
    assert capped_counts_where(Entry.objects.all(), {"none": Q(pk__in=[])}) == {}
    counts = capped_counts_where(Entry.objects.all(), {"none": Q(pk__in=[]), "all": Q()}, cap=5)
    assert counts == {"all": 6}


def test_a_total_of_capped_parts_is_capped_once_a_part_or_the_sum_passes_the_cap():
    assert capped_total([3, 4], cap=10) == 7
    assert capped_total([], cap=10) == 0
    assert capped_total([6, 5], cap=10) == 11  # no part at the cap, their sum over it
    assert capped_total([11, 0], cap=10) == 11  # one part stopped at cap + 1: the whole is over the cap too
