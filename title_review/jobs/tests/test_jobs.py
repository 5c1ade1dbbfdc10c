"""Background jobs: enqueue → run → 我的下载, failures in Chinese, one claim per job, expiry, daily tasks."""

import datetime as dt

import pytest
from django.utils import timezone

from title_review.core.errors import DomainError
from title_review.jobs import registry, services
from title_review.jobs.models import Job, JobStatus


@pytest.fixture
def kinds():
    def numbers(job, progress):
        total = int(job.params["n"])
        for i in range(total):
            progress(i + 1, total)
        return registry.JobOutput(name="数字.txt", content=",".join(map(str, range(total))).encode())

    def broken(job, progress):
        raise DomainError("导入文件为空，请选择有数据的文件。")

    def crashing(job, progress):
        raise RuntimeError("boom")

    registry.register_handler("test.numbers", "数字", numbers)
    registry.register_handler("test.broken", "坏", broken)
    registry.register_handler("test.crash", "崩溃", crashing)
    yield
    for kind in ("test.numbers", "test.broken", "test.crash"):
        registry.HANDLERS.pop(kind, None)


def test_an_inline_job_runs_after_commit_and_leaves_its_file(users, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出数字", params={"n": 5})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.result.read() == b"0,1,2,3,4"
    assert job.expires_at.date() == (job.finished_at + dt.timedelta(days=7)).date()


def test_failures_are_recorded_in_chinese(users, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bad = services.enqueue(owner=users["hzadmin"], kind="test.broken", title="导入")
        crash = services.enqueue(owner=users["hzadmin"], kind="test.crash", title="导入")
    bad.refresh_from_db()
    crash.refresh_from_db()
    assert (bad.status, bad.message) == (JobStatus.FAILED, "导入文件为空，请选择有数据的文件。")
    assert crash.status == JobStatus.FAILED and "任务处理失败" in crash.message
    with pytest.raises(DomainError):
        services.enqueue(owner=users["hzadmin"], kind="no.such", title="x")


def test_a_queued_job_is_claimed_once(users, kinds, settings):
    settings.JOBS_RUNNER = "worker"
    job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出", params={"n": 1})
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    claimed = services.claim_next()
    assert claimed.pk == job.pk and claimed.status == JobStatus.RUNNING
    assert services.claim_next() is None
    assert services.run_job(job.pk).status == JobStatus.DONE


def test_files_expire_and_daily_tasks_run_once_a_day(users, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出", params={"n": 2})
    job.refresh_from_db()
    assert services.expire_downloads(now=job.expires_at - dt.timedelta(minutes=1)) == 0
    assert services.expire_downloads(now=job.expires_at) == 1
    job.refresh_from_db()
    assert not job.result and "已过保存期限" in job.message
    calls = []
    registry.register_daily("test.daily", lambda: calls.append(1))
    try:
        today = timezone.localdate()
        assert "test.daily" in services.run_daily(on=today)
        assert "test.daily" not in services.run_daily(on=today)
        assert "test.daily" in services.run_daily(on=today + dt.timedelta(days=1))
        assert len(calls) == 2
    finally:
        registry.DAILY.pop("test.daily")


def test_my_downloads_shows_only_my_jobs_and_polls_while_running(users, kinds, login, settings):
    settings.JOBS_RUNNER = "worker"
    mine = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="我的导出", params={"n": 1})
    theirs = services.enqueue(owner=users["wjwadmin"], kind="test.numbers", title="别人的导出", params={"n": 1})
    client = login("hzadmin")
    page = client.get("/downloads/").content.decode()
    assert "我的导出" in page and "别人的导出" not in page and 'hx-trigger="every 2s"' in page
    services.run_job(mine.pk)
    services.run_job(theirs.pk)
    page = client.get("/downloads/").content.decode()
    assert 'hx-trigger="every 2s"' not in page and "下载" in page
    response = client.get(f"/downloads/{mine.pk}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"0"
    assert client.get(f"/downloads/{theirs.pk}/download/").status_code == 404
    assert client.post(f"/downloads/{theirs.pk}/delete/").status_code == 404
    client.post(f"/downloads/{mine.pk}/delete/")
    assert not Job.objects.filter(pk=mine.pk).exists()


def test_my_downloads_keeps_a_bounded_query_count(users, kinds, login, settings, django_assert_max_num_queries):
    settings.JOBS_RUNNER = "worker"
    client = login("hzadmin")
    client.get("/downloads/")
    for i in range(30):
        services.enqueue(owner=users["hzadmin"], kind="test.numbers", title=f"导出{i}", params={"n": 1})
    with django_assert_max_num_queries(12):
        client.get("/downloads/")
