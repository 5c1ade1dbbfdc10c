"""Lists filtered to one status (issue 12): 上报材料跟踪 状态=… and 交换数据包's 选择导出 take VIEW apart for that
status (selectors.visible_in_status) instead of reading it through the applicant-or-scope OR over every status.
They show exactly the rows they showed before — VIEW, then the status — in the same order, with the same queries
however many rows there are; 待审核材料's filters count on the desk index, which now carries round and employer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.declarations.models import Declaration
from title_review.declarations.selectors import RECENT_FIRST
from title_review.declarations.workflow import Status
from title_review.exchange.selectors import exportable_to
from title_review.exports.tests.conftest import flood
from title_review.reviews import selectors
from title_review.reviews.tests.test_list_counts import ACCOUNTS, spread  # noqa: F401 — the shared fixture

STATUSES = [Status.ACCEPTED, Status.RETURNED, Status.IN_REVIEW, Status.WITH_EMPLOYER, Status.DRAFT]


def _view(user):
    return declaration_policy.visible(user, Purpose.VIEW)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_tracking_filtered_by_status_lists_what_view_shows_in_that_status(users, spread, account):  # noqa: F811
    user = users[account]
    for status in STATUSES:
        query = selectors.list_query(user, "tracking", {"status": status})
        expected = list(_view(user).filter(status=status).order_by(*RECENT_FIRST).values_list("pk", flat=True))
        assert list(query.queryset.values_list("pk", flat=True)) == expected, status


def test_the_tracking_page_by_status_shows_the_same_rows_with_the_same_queries(users, orgs, login, spread):  # noqa: F811
    client = login("hzcheck")
    url = "/reviews/track/?status=accepted"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url)
    shown = [d.pk for d, _stage in page.context["rows"]]
    expected = _view(users["hzcheck"]).filter(status=Status.ACCEPTED).order_by(*RECENT_FIRST)
    assert shown and shown == list(expected.values_list("pk", flat=True)[: len(shown)])
    # Ten times the accepted declarations: the same queries.
    flood(spread, orgs["杭州市第一人民医院"], orgs["杭州市职称工作领导小组办公室"], 40, start=70_000, status="accepted")
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert len(page.context["rows"]) == 20
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("account", ["hzadmin", "zjadmin", "hzcheck", "hospitaladmin"])
def test_the_exchange_selection_is_the_accepted_rows_of_the_users_view_and_scope(users, spread, account):  # noqa: F811
    from title_review.access.policies import scope_filter

    user = users[account]
    scope = scope_filter(user, "exchange.manage", org_field="employer_id")
    expected = (
        set() if scope is None else set(_view(user).filter(scope, status=Status.ACCEPTED).values_list("pk", flat=True))
    )
    assert set(exportable_to(user).values_list("pk", flat=True)) == expected
    if account in ("hzadmin", "zjadmin"):
        assert expected  # the accounts that exchange see the accepted rows of both units


def test_the_exchange_selection_page_shows_the_same_rows_with_the_same_queries(users, orgs, login, spread):  # noqa: F811
    client = login("hzadmin")
    url = f"/exchange/rounds/{spread.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url)
    accepted = Declaration.objects.filter(round=spread, status=Status.ACCEPTED)
    assert {d.pk for d in page.context["declarations"]} == set(accepted.values_list("pk", flat=True))
    flood(spread, orgs["杭州市第一人民医院"], orgs["杭州市职称工作领导小组办公室"], 40, start=71_000, status="accepted")
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert len(page.context["declarations"]) == accepted.count() == 4 + 40
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("params", [{"round": "{round}"}, {"employer": "第一人民医院"}])
def test_the_inbox_filtered_by_round_or_employer_lists_the_desks_rows_in_order(users, orgs, spread, params):  # noqa: F811
    user = users["hzcheck"]
    hospital = orgs["杭州市第一人民医院"]
    asked = {k: v.format(round=spread.pk) for k, v in params.items()}
    query = selectors.list_query(user, "inbox", asked)
    expected = (
        declaration_policy.visible(user, Purpose.DECIDE)
        .filter(status__in=[Status.IN_REVIEW, Status.QUALIFICATION_CHECK], round=spread)
        .order_by("stage_since", "pk")
    )
    if "employer" in asked:
        expected = expected.filter(employer=hospital)
    rows = list(query.queryset.values_list("pk", flat=True))
    assert rows and rows == list(expected.values_list("pk", flat=True))


@pytest.mark.django_db
def test_on_postgresql_the_desk_index_carries_round_and_employer():
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE columns exist on PostgreSQL only (SQLite builds the index without them)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'declaration_desk'")
        (definition,) = cursor.fetchone()
    assert "(current_org_id, status, stage_since) INCLUDE (round_id, employer_id)" in definition
