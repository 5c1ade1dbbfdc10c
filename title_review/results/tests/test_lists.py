"""评后管理's lists follow the list pattern: a page of rows (下一页 for the rest), a capped count ("共 … 条",
"1,000+"), and as many queries with a handful of rows as with many."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.accounts.models import User
from title_review.core import pagination
from title_review.results import services
from title_review.results.models import BatchSource, BatchStatus, ResultBatch, ResultEntry, ResultObjection

from .factories import flood_declarations, flood_entries, module_world, voted_meeting


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, voted_meeting) as built:
        yield built


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(world, db):
    """Every test runs on top of the module's world and rolls back."""


@pytest.fixture
def hzadmin(world, db):
    return User.objects.get(username="hzadmin")


@pytest.fixture
def received(world, hzadmin):
    """The meeting's batch, received: 朱老师 and the applicant, both passed."""
    return services.receive_meeting(actor=hzadmin, meeting_id=world["meeting"].pk)


@pytest.fixture
def published(received, hzadmin):
    return services.start_publicity(actor=hzadmin, batch_id=received.pk, starts_on=timezone.localdate())


def _school(world):
    return world["declaration"].employer


def _objections(entries, *, per_entry=1):
    now = timezone.now()
    ResultObjection.objects.bulk_create(
        ResultObjection(entry=e, name=f"异议人{i}", mobile="13912345678", content="异议", received_at=now)
        for e in entries
        for i in range(per_entry)
    )


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.content.decode()


# ---- 1. a batch's page ----------------------------------------------------------------------------------------


def _people_on_batch_page(html: str) -> list[str]:
    return re.findall(r'<tr data-person="([^"]+)"', html)


def test_a_batch_page_shows_twenty_entries_and_the_rest_on_the_next_page(world, received, login):
    flood_entries(received, _school(world), 23)
    client = login("hzadmin")
    first = client.get(f"/results/batches/{received.pk}/").content.decode()
    assert len(_people_on_batch_page(first)) == 20
    assert "共 25 条" in first and "第 1/2 页" in first and 'href="?page=2">下一页' in first
    second = client.get(f"/results/batches/{received.pk}/?page=2").content.decode()
    assert len(_people_on_batch_page(second)) == 5
    everyone = set(_people_on_batch_page(first)) | set(_people_on_batch_page(second))
    assert everyone == set(ResultEntry.objects.filter(batch=received).values_list("person_name", flat=True))
    assert len(everyone) == 25


def test_a_batch_page_makes_as_many_queries_with_60_entries_as_with_3(world, published, login):
    client = login("hzadmin")
    url = f"/results/batches/{published.pk}/"
    flood_entries(published, _school(world), 1, start=0)
    _objections(ResultEntry.objects.filter(batch=published))  # every entry with an open objection: held
    client.get(url)  # the session's first request does its own one-off work
    few, html = _queries(client, url)
    assert len(_people_on_batch_page(html)) == 3
    more = flood_entries(published, _school(world), 57, start=1)
    _objections(more)
    many, html = _queries(client, url)
    assert len(_people_on_batch_page(html)) == 20 and "共 60 条" in html
    assert many == few


def test_the_held_warning_names_the_first_twenty_and_counts_the_rest(world, published, login):
    _objections(flood_entries(published, _school(world), 25))
    html = login("hzadmin").get(f"/results/batches/{published.pk}/").content.decode()
    warning = re.search(r'<div class="alert alert-warning[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "等 25 人的结果有异议待处理，暂缓确认" in warning
    assert warning.count("批量") == 20


# ---- 2. the public 公示 page ---------------------------------------------------------------------------------------


def _people_in_public_list(html: str) -> list[str]:
    return re.findall(r'aria-label="对([^"]+)提出异议"', html)


def test_the_public_list_shows_a_page_of_one_batch_and_the_rest_after_next(world, published):
    flood_entries(published, _school(world), 23, start=0)
    flood_entries(published, _school(world), 5, start=100, outcome="failed")
    client = Client()
    first = client.get("/results/publicity/").content.decode()
    assert len(_people_in_public_list(first)) == 20 and "共 25 条" in first
    assert f'href="?batch={published.pk}&page=2">下一页' in first
    second = client.get(f"/results/publicity/?batch={published.pk}&page=2").content.decode()
    assert len(_people_in_public_list(second)) == 5
    assert "<td>21</td>" in second  # 序号 go on from the first page
    shown = set(_people_in_public_list(first)) | set(_people_in_public_list(second))
    assert shown == set(
        ResultEntry.objects.filter(batch=published, outcome="passed").values_list("person_name", flat=True)
    )
    assert not any(name.startswith("批量01") for name in shown)  # 未通过 is not published


def test_the_public_list_shows_one_batch_at_a_time_with_the_others_linked(world, published, hzadmin):
    other = ResultBatch.objects.create(
        office=published.office,
        round=published.round,
        committee_name="杭州市中小学教师评委会（二）",
        source=BatchSource.IMPORT,
        status=BatchStatus.PUBLICISING,
        publicity_starts=published.publicity_starts,
        publicity_ends=published.publicity_ends,
        created_by=hzadmin,
    )
    flood_entries(other, _school(world), 2)
    client = Client()
    first = client.get("/results/publicity/").content.decode()  # committees by name: the shorter name first
    assert re.search(rf'href="\?batch={published.pk}" aria-current="page">杭州市中小学教师评委会</a>', first)
    assert re.search(rf'href="\?batch={other.pk}">杭州市中小学教师评委会（二）</a>', first)
    assert set(_people_in_public_list(first)) == {world["declaration"].applicant_name, world["second"].applicant_name}
    page = client.get(f"/results/publicity/?batch={other.pk}").content.decode()
    assert set(_people_in_public_list(page)) == {"批量0000", "批量0001"}
    assert 'aria-label="杭州市中小学教师评委会（二）公示名单"' in page


@pytest.mark.parametrize("status", [BatchStatus.RECEIVED, BatchStatus.CONFIRMED])
def test_the_public_list_never_shows_a_batch_outside_its_publicity_whatever_the_address_asks(
    world, published, hzadmin, status
):
    hidden = ResultBatch.objects.create(
        office=published.office,
        round=published.round,
        committee_name="杭州市中小学教师评委会（未公示）",
        source=BatchSource.IMPORT,
        status=status,
        publicity_starts=published.publicity_starts,
        publicity_ends=published.publicity_ends,
        created_by=hzadmin,
    )
    flood_entries(hidden, _school(world), 2)
    page = Client().get(f"/results/publicity/?batch={hidden.pk}").content.decode()
    assert "批量0000" not in page and "未公示" not in page
    assert set(_people_in_public_list(page)) == {world["declaration"].applicant_name, world["second"].applicant_name}


def test_the_public_list_makes_as_many_queries_with_60_people_as_with_3(world, published):
    client = Client()
    flood_entries(published, _school(world), 1, start=0)
    few, html = _queries(client, "/results/publicity/")
    assert len(_people_in_public_list(html)) == 3
    flood_entries(published, _school(world), 57, start=1)
    many, html = _queries(client, "/results/publicity/")
    assert len(_people_in_public_list(html)) == 20 and "共 60 条" in html
    assert many == few


# ---- 3. 评后管理's index -------------------------------------------------------------------------------------------


def test_an_entry_with_two_objections_counts_once(world, published, login):
    first = ResultEntry.objects.filter(batch=published).order_by("pk").first()
    _objections([first], per_entry=2)
    html = login("hzadmin").get("/results/").content.decode()
    row = re.search(rf'<tr><td><a href="/results/batches/{published.pk}/">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert "2 / 2" in cells  # 通过 / 总数: two people, not three rows of a join
    assert re.search(rf'data-testid="open-objections-{published.pk}">2<', html)


def test_counts_of_a_batch_count_an_entry_with_two_objections_once(world, published):
    from title_review.results import selectors

    first, second = ResultEntry.objects.filter(batch=published).order_by("pk")
    _objections([first], per_entry=2)
    ResultEntry.objects.filter(pk=second.pk).update(outcome="failed")
    (counted,) = selectors.with_counts([ResultBatch.objects.get(pk=published.pk)])
    assert (counted.passed_label, counted.total_label, counted.open_label) == ("1", "2", "2")


def test_the_batch_counts_stop_at_the_cap(world, published, login, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    _objections(ResultEntry.objects.filter(batch=published))
    html = login("hzadmin").get("/results/").content.decode()
    assert re.search(rf'data-testid="passed-total-{published.pk}">1\+ / 1\+<', html)
    assert re.search(rf'data-testid="open-objections-{published.pk}">1\+<', html)


def _batches(world, hzadmin, count):
    return ResultBatch.objects.bulk_create(
        ResultBatch(
            office=world["round"].publisher,
            round=world["round"],
            committee_name=f"导入评委会{i:03d}",
            source=BatchSource.IMPORT,
            created_by=hzadmin,
        )
        for i in range(count)
    )


def test_the_index_pages_its_batches_with_as_many_queries_for_30_as_for_3(world, hzadmin, login):
    client = login("hzadmin")
    made = _batches(world, hzadmin, 3)
    flood_entries(made[0], _school(world), 2)
    client.get("/results/")
    few, html = _queries(client, "/results/")
    assert html.count('href="/results/batches/') == 3
    more = _batches(world, hzadmin, 27)
    flood_entries(more[-1], _school(world), 2, start=10)
    many, html = _queries(client, "/results/")
    assert html.count('href="/results/batches/') == 20 and "共 30 条" in html
    assert many == few
    rest = client.get("/results/?page=2").content.decode()
    assert rest.count('href="/results/batches/') == 10
    assert "导入评委会000" in rest and "导入评委会026" in html  # newest first


def test_the_waiting_count_of_an_approval_round_is_capped(world, login, monkeypatch):
    from title_review.rounds.models import Round, RoundKind

    Round.objects.filter(pk=world["round"].pk).update(kind=RoundKind.INITIAL)
    client = login("hzadmin")
    row = re.compile(rf"<td>{re.escape(world['round'].title)}</td><td>[^<]*</td><td>([^<]*)</td>")
    assert row.search(client.get("/results/").content.decode()).group(1) == "2 人"
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    assert row.search(client.get("/results/").content.decode()).group(1) == "1+ 人"


# ---- 4. 初定 / 认定 审批 ---------------------------------------------------------------------------------------------


@pytest.fixture
def initial_round(world):
    from title_review.rounds.models import Round, RoundKind

    Round.objects.filter(pk=world["round"].pk).update(kind=RoundKind.INITIAL)
    return world["round"]


def _choices(html: str) -> list[str]:
    return re.findall(r'name="declaration" value="(\d+)"', html)


def test_the_approval_page_shows_twenty_and_the_rest_on_the_next_page(world, initial_round, login):
    flood_declarations(initial_round, _school(world), 23)
    client = login("hzadmin")
    url = f"/results/approvals/{initial_round.pk}/"
    first = client.get(url).content.decode()
    assert len(_choices(first)) == 20 and "共 25 条" in first and 'href="?page=2">下一页' in first
    second = client.get(url + "?page=2").content.decode()
    assert len(_choices(second)) == 5
    from title_review.declarations.models import Declaration

    waiting = Declaration.objects.filter(round=initial_round, status="accepted").values_list("pk", flat=True)
    assert {int(pk) for pk in _choices(first) + _choices(second)} == set(waiting)


def test_the_approval_page_reads_no_dossier_and_as_many_queries_for_60_as_for_3(world, initial_round, login):
    client = login("hzadmin")
    url = f"/results/approvals/{initial_round.pk}/"
    flood_declarations(initial_round, _school(world), 1)
    client.get(url)
    few, html = _queries(client, url)
    assert len(_choices(html)) == 3
    flood_declarations(initial_round, _school(world), 57, start=1)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    assert len(_choices(html)) == 20 and "共 60 条" in html
    assert len(captured.captured_queries) == few
    assert not any("section_data" in q["sql"] or '"picks"' in q["sql"] for q in captured.captured_queries)


# ---- 5. 本单位评审结果 and its export ----------------------------------------------------------------------------


def _unit_rows(html: str) -> list[str]:
    table = re.search(r'<table[^>]*aria-label="评审结果">.*?</table>', html, re.S).group(0)
    return re.findall(r"<tr><td>([^<]+)</td>", table)


def test_the_unit_page_shows_twenty_of_its_people_and_the_rest_after_next(world, published, login):
    flood_entries(published, _school(world), 23)
    client = login("schooladmin")
    first = client.get("/results/unit/").content.decode()
    assert len(_unit_rows(first)) == 20 and "共 24 条" in first and 'href="?page=2">下一页' in first
    second = client.get("/results/unit/?page=2").content.decode()
    assert len(_unit_rows(second)) == 4
    shown = set(_unit_rows(first)) | set(_unit_rows(second))
    assert world["declaration"].applicant_name in shown and world["second"].applicant_name not in shown
    assert len(shown) == 24
    assert "export-note" not in first  # a short list is exported at once


def test_the_unit_page_makes_as_many_queries_with_60_results_as_with_3(world, published, login):
    client = login("schooladmin")
    flood_entries(published, _school(world), 2)
    client.get("/results/unit/")
    few, html = _queries(client, "/results/unit/")
    assert len(_unit_rows(html)) == 3
    flood_entries(published, _school(world), 57, start=2)
    many, html = _queries(client, "/results/unit/")
    assert len(_unit_rows(html)) == 20 and "共 60 条" in html
    assert many == few


def test_beyond_the_cap_the_unit_page_says_1000_plus_and_that_the_export_goes_to_my_downloads(world, published, login):
    flood_entries(published, _school(world), pagination.COUNT_CAP)
    html = login("schooladmin").get("/results/unit/").content.decode()
    assert "共 1,000+ 条" in html
    assert "结果较多时转入后台导出，完成后在“我的下载”中下载。" in html


def test_the_unit_export_is_posted_whole_in_the_pages_order_and_audited(world, published, login):
    from title_review.audit.models import AuditEvent
    from title_review.exports.tests.conftest import sheet_of

    flood_entries(published, _school(world), 4)
    client = login("schooladmin")
    assert client.get("/results/unit/export.xlsx").status_code == 405  # an export is an action, posted
    response = client.post("/results/unit/export.xlsx")
    assert response.status_code == 200
    rows = list(sheet_of(response.content).iter_rows(values_only=True))
    assert rows[0][:9] == ("姓名", "工作单位", "系列", "资格名称", "级别", "评委会", "结果", "发文字号", "状态")
    names = [r[0] for r in rows[1:]]
    assert names == _unit_rows(client.get("/results/unit/").content.decode())  # the page's rows, in its order
    assert len(names) == 5 and world["second"].applicant_name not in names
    assert {r[6] for r in rows[1:]} <= {"通过", "未通过"} and {r[8] for r in rows[1:]} == {"公示中"}
    event = AuditEvent.objects.get(action="export.list")
    assert event.after["rows"] == 5 and event.actor_id == User.objects.get(username="schooladmin").pk


def test_a_long_unit_export_becomes_a_job_in_my_downloads(
    world, published, login, settings, django_capture_on_commit_callbacks
):
    from title_review.exports.tests.conftest import sheet_of
    from title_review.jobs.models import Job, JobStatus

    settings.EXPORT_INLINE_MAX_ROWS = 3
    flood_entries(published, _school(world), 6)
    client = login("schooladmin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/results/unit/export.xlsx")
    assert response.status_code == 302 and response["Location"] == "/downloads/"
    assert "已转入后台导出" in client.get("/downloads/").content.decode()
    job = Job.objects.get(kind="exports.list", owner__username="schooladmin")
    assert job.status == JobStatus.DONE and job.params["list"] == "unit_results"
    rows = list(sheet_of(client.get(f"/downloads/{job.pk}/download/").getvalue()).iter_rows(values_only=True))
    assert len(rows) == 1 + 7 and world["second"].applicant_name not in {r[0] for r in rows}


def test_an_entry_keeps_its_declarations_employer(world, received):
    assert {e.employer_id for e in ResultEntry.objects.filter(batch=received)} == {
        world["declaration"].employer_id,
        world["second"].employer_id,
    }
    (declaration,) = flood_declarations(world["round"], _school(world), 1, status="passed")
    made = ResultEntry.objects.create(
        batch=received, declaration=declaration, person_name="某人", employer_name="某单位", outcome="passed"
    )
    assert made.employer_id == _school(world).pk
