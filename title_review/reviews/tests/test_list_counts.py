"""Counts per status and the order of 上报材料跟踪 (issue 12): the counts taken apart per status and scope are
exactly what VIEW shows; the newest movement comes first and drafts (no stage_since) last."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.exports.tests.conftest import flood
from title_review.reviews import selectors

ACCOUNTS = ["hzcheck", "hzreturn", "hzadmin", "zjadmin", "wjwreview", "wjwadmin", "hospitaladmin", "schooladmin"]


@pytest.fixture
def spread(users, orgs, review_round):
    """Declarations of the hospital and the school in every status, returns made above and at the employer,
    and a draft and a returned one of hzcheck's own account (its person may apply too)."""
    hospital, school = orgs["杭州市第一人民医院"], orgs["杭州第二中学"]
    office = orgs["杭州市职称工作领导小组办公室"]
    start = 0
    for employer in (hospital, school):
        for status in Status.values:
            flood(review_round, employer, office, 2, start=start, status=status)
            start += 2
    returned = Declaration.objects.filter(status=Status.RETURNED)
    returned.filter(pk__in=list(returned.values_list("pk", flat=True)[:2])).update(chain=[{"org": office.pk}])
    Declaration.objects.filter(status=Status.DRAFT).update(stage_since=None)
    own = flood(review_round, office, office, 1, start=start, status=Status.DRAFT)[0]
    Declaration.objects.filter(pk=own.pk).update(applicant=users["hzcheck"], stage_since=None)
    return review_round


@pytest.mark.parametrize("account", ACCOUNTS)
def test_counts_per_status_are_what_view_shows(users, spread, account):
    user = users[account]
    visible = declaration_policy.visible(user, Purpose.VIEW)
    expected = {s: visible.filter(status=s).count() for s in Status.values}
    assert selectors.status_counts(user) == {s: n for s, n in expected.items() if n}


def test_the_employer_desk_counts_its_submitted_declarations(users, orgs, spread):
    hospital = orgs["杭州市第一人民医院"]
    counts = selectors.employer_desk_counts(users["hospitaladmin"], hospital)
    assert "draft" not in counts and counts[Status.WITH_EMPLOYER] == 2 and counts[Status.RETURNED] == 2


def test_counts_stop_at_the_cap_in_one_query(users, spread):
    selectors.status_counts(users["hzcheck"])  # the user's grants are read once, then cached on the user
    with CaptureQueriesContext(connection) as captured:
        counts = selectors.status_counts(users["hzcheck"], cap=1)
    assert len(captured.captured_queries) == 1
    assert counts[Status.IN_REVIEW] == 2  # 2 employers, each count stopping at cap + 1 = 2


def test_tracking_shows_the_newest_movement_first_and_drafts_last(users, login, spread):
    page = login("hzcheck").get("/reviews/track/?page=1")
    rows = [d for d, _stage in page.context["rows"]]
    since = [d.stage_since for d in rows]
    assert None not in since[:-1] or since.index(None) == len([s for s in since if s is not None])
    present = [s for s in since if s is not None]
    assert present == sorted(present, reverse=True)
    assert rows[-1].applicant_id == users["hzcheck"].pk and rows[-1].status == Status.DRAFT


@pytest.mark.parametrize("account", ACCOUNTS)
def test_visible_in_status_is_view_in_that_status(users, spread, account):
    user = users[account]
    for status in (Status.ACCEPTED, Status.RETURNED, Status.DRAFT):
        expected = set(
            declaration_policy.visible(user, Purpose.VIEW).filter(status=status).values_list("pk", flat=True)
        )
        assert set(selectors.visible_in_status(user, status).values_list("pk", flat=True)) == expected


def test_the_accepted_list_shows_the_users_own_accepted_declaration_too(users, login, spread):
    own = Declaration.objects.get(applicant=users["hzcheck"])
    Declaration.objects.filter(pk=own.pk).update(status=Status.ACCEPTED)
    page = login("hzcheck").get("/reviews/accepted/")
    shown = {d.pk for d in page.context["page"].object_list}
    assert own.pk in shown
    assert shown == set(
        declaration_policy.visible(users["hzcheck"], Purpose.VIEW)
        .filter(status=Status.ACCEPTED)
        .values_list("pk", flat=True)
    )


def _declaration_counts(captured) -> int:
    """The COUNT queries over declarations of a page, apart from the one of the counts per status."""
    return sum(
        q["sql"].startswith("SELECT COUNT(*)") and '"declarations_declaration"' in q["sql"]
        for q in captured.captured_queries
    )


@pytest.mark.parametrize("account", ACCOUNTS)
def test_tracking_totals_its_rows_from_the_counts_per_status(users, login, spread, account):
    """Unfiltered, 上报材料跟踪's total is the sum of its counts per status — no second count of the rows —
    and it is what VIEW holds; a filter still counts the filtered rows."""
    client = login(account)
    visible = declaration_policy.visible(users[account], Purpose.VIEW)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/reviews/track/?page=2")
    assert page.context["page"].paginator.count == visible.count()
    assert _declaration_counts(captured) == 0
    with CaptureQueriesContext(connection) as captured:
        filtered = client.get(f"/reviews/track/?round={spread.pk}")
    assert filtered.context["page"].paginator.count == visible.filter(round=spread).count()
    assert _declaration_counts(captured) == 1
    by_status = client.get("/reviews/track/?status=returned")
    assert by_status.context["page"].paginator.count == visible.filter(status=Status.RETURNED).count()


@pytest.mark.parametrize("tab", ["review", "publicity", "forward"])
def test_the_employer_desk_totals_a_tab_from_its_counts(users, orgs, login, spread, tab):
    hospital = orgs["杭州市第一人民医院"]
    with CaptureQueriesContext(connection) as captured:
        page = login("hospitaladmin").get(f"/reviews/employer/?tab={tab}")
    shown = page.context["page"]
    assert shown.paginator.count == len(shown.object_list) > 0
    assert {d.employer_id for d in shown.object_list} == {hospital.pk}
    assert _declaration_counts(captured) == 0
