"""The list pattern's counts: capped, one query, whatever the table size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.core.pagination import CappedPaginator, capped_counts
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
