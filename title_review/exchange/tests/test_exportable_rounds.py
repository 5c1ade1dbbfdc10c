"""交换数据包's list of rounds in a big scope (issue 12): per round a capped count and the latest 受理 time,
three queries whatever the number of accepted declarations, outside the scope nothing."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from title_review.core import pagination
from title_review.declarations.models import Declaration
from title_review.exchange import selectors


def test_each_round_shows_its_count_and_latest_acceptance(users, accepted, pending):
    rows = selectors.exportable_rounds(users["hzadmin"])
    assert [(r["round_id"], r["round__title"], r["n"]) for r in rows] == [(accepted.round_id, accepted.round.title, 1)]
    accepted.refresh_from_db()
    assert rows[0]["last"] == accepted.stage_since and rows[0]["round__year"] == accepted.round.year
    # Outside exchange.manage, or below the accepting office's subtree, no round is offered.
    assert selectors.exportable_rounds(users["hospitaladmin"]) == []


def test_the_count_is_capped(users, accepted, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 0)
    rows = selectors.exportable_rounds(users["hzadmin"])
    assert rows[0]["n"] == "0+"


def test_the_page_reads_three_queries_for_its_rounds_whatever_their_size(users, login, accepted, pending):
    client = login("hzadmin")
    client.get(reverse("exchange:index"))
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("exchange:index")).content.decode()
    assert accepted.round.title in page and "1 份" in page
    # More accepted declarations in the same round: the same queries.
    Declaration.objects.filter(pk=pending.pk).update(status="accepted", current_org=accepted.current_org)
    with CaptureQueriesContext(connection) as second:
        page = client.get(reverse("exchange:index")).content.decode()
    assert "2 份" in page
    assert len(second.captured_queries) == len(first.captured_queries)
    assert not [q for q in second.captured_queries if "GROUP BY" in q["sql"]]
