"""公示表 of a big unit's 单位内部公示 (issue 12): a page of 100 people at a time, numbered across the pages, every
person reachable; the page reads only what the sheet prints (no snapshot, no accounts), in as many queries for
230 people as for 30."""

import datetime as dt

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.exports.tests.conftest import flood
from title_review.reviews.models import Publicity
from title_review.reviews.views import PUBLICITY_PAGE

from .conftest import publish_review_round


def _publicity(users, orgs, round_, people: int, start: int) -> Publicity:
    school = orgs["杭州第二中学"]
    today = timezone.localdate()
    item = Publicity.objects.create(
        employer=school, round=round_, starts_on=today, ends_on=today + dt.timedelta(days=7), working_days=5,
        created_by=users["schooladmin"],
    )  # fmt: skip
    rows = flood(round_, school, school, people, start=start, status=Status.IN_PUBLICITY)
    Declaration.objects.filter(pk__in=[d.pk for d in rows]).update(
        publicity=item,
        applicant_name=Subquery(User.objects.filter(pk=OuterRef("applicant_id")).values("real_name")[:1]),
        snapshot={"target_qualification": {"name": "一级教师"}},
    )
    return item


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_big_publicity_shows_a_page_at_a_time_numbered_across_pages(login, users, orgs):
    item = _publicity(users, orgs, publish_review_round(users, orgs), 230, start=80_000)
    client = login("schooladmin")
    first = client.get(f"/reviews/employer/publicity/{item.pk}/").content.decode()
    assert PUBLICITY_PAGE == 100
    assert first.count("<td>一级教师</td>") == 100
    assert "<td>1</td><td>批量80000</td>" in first and "<td>100</td>" in first
    assert "共 230 人，本页第 1–100 人（第 1 / 3 页" in first
    last = client.get(f"/reviews/employer/publicity/{item.pk}/", {"page": 3}).content.decode()
    assert last.count("<td>一级教师</td>") == 30
    assert "<td>201</td>" in last and "<td>230</td><td>批量80229</td>" in last
    # The objection form offers the people of the page it is on.
    assert last.count('<option value="') - last.count('<option value="">') >= 30


def test_the_sheet_reads_no_snapshot_and_as_many_queries_for_many_people(login, users, orgs):
    round_ = publish_review_round(users, orgs)
    small = _publicity(users, orgs, round_, 30, start=81_000)
    big = _publicity(users, orgs, round_, 230, start=82_000)
    client = login("schooladmin")
    client.get("/reviews/employer/")  # the session's first write after signing in is not the page's
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/reviews/employer/publicity/{big.pk}/")
    rows = [q["sql"] for q in captured.captured_queries if 'FROM "declarations_declaration"' in q["sql"]]
    # Only the printed columns: not the dossier's JSON (the 申报资格 name alone is taken out of it in SQL).
    assert rows and all('"declarations_declaration"."section_data"' not in sql for sql in rows)
    assert all('"declarations_declaration"."snapshot_hash"' not in sql for sql in rows)
    assert all('"accounts_user"' not in sql for sql in rows)
    assert _queries(client, f"/reviews/employer/publicity/{big.pk}/") == _queries(
        client, f"/reviews/employer/publicity/{small.pk}/"
    )
