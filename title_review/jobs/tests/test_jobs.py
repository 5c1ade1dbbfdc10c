"""Background jobs: enqueue → run → 我的下载, failures in Chinese, one claim per job, expiry, daily tasks."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from title_review.core.errors import DomainError
from title_review.jobs import registry, services
from title_review.jobs.models import Job, JobStatus, ScheduledRun


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


def test_a_job_is_handed_to_the_task_framework_and_runs_once_however_often_its_task_comes(users, kinds, settings):
    settings.JOBS_RUNNER = "worker"  # the default backend: in tests a queue nobody drains (config.settings.test)
    job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出", params={"n": 1})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id  # the task's id, to find its job again
    assert services.run_queued_job(job.pk) == JobStatus.DONE
    assert services.run_queued_job(job.pk) == "skipped"  # delivered twice: the job ran once
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result.read()) == (JobStatus.DONE, 1, b"0")


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


def _running(owner, *, beat_seconds_ago: float, attempts: int = 1) -> Job:
    """A job whose worker sent its last heartbeat that long ago."""
    at = timezone.now() - dt.timedelta(seconds=beat_seconds_ago)
    return Job.objects.create(
        owner=owner,
        kind="test.numbers",
        title="导出数字",
        params={"n": 3},
        status=JobStatus.RUNNING,
        started_at=at,
        heartbeat_at=at,
        attempts=attempts,
        task_id=f"dead-{attempts}-{beat_seconds_ago}",
    )


def test_a_job_whose_worker_went_silent_is_run_again_then_shown_failed_with_retry(
    users, kinds, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_STALE_SECONDS = 60
    settings.JOBS_MAX_ATTEMPTS = 2
    owner = users["hzadmin"]
    alive = _running(owner, beat_seconds_ago=10)
    dead_once = _running(owner, beat_seconds_ago=61)
    dead_twice = _running(owner, beat_seconds_ago=3600, attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        taken = services.recover_stalled_jobs()
    assert sorted(taken) == sorted([dead_once.pk, dead_twice.pk])
    for job in (alive, dead_once, dead_twice):
        job.refresh_from_db()
    assert alive.status == JobStatus.RUNNING  # its worker is beating: left alone
    # Run again by another worker (here the inline runner), to the end, with its file.
    assert (dead_once.status, dead_once.attempts, dead_once.result.read()) == (JobStatus.DONE, 2, b"0,1,2")
    assert dead_twice.status == JobStatus.FAILED and "重试" in dead_twice.message and dead_twice.finished_at


def test_a_run_that_ends_after_its_job_was_taken_back_changes_nothing(users, kinds, settings):
    settings.JOBS_RUNNER = "worker"
    job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出", params={"n": 2})
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1)
    job.refresh_from_db()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, attempts=1)  # taken back meanwhile
    registry_handler = registry.HANDLERS["test.numbers"].handler
    output = registry_handler(job, lambda done, total: None)
    services._finish(job, 1, status=JobStatus.DONE, output=output)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and not job.result


def test_a_failed_daily_task_leaves_neither_its_work_nor_its_day(users):
    today = timezone.localdate()

    def half_done():
        ScheduledRun.objects.create(name="test.half-done-work")
        raise RuntimeError("中途失败")

    registry.register_daily("test.failing", half_done)
    try:
        assert "test.failing" not in services.run_daily(on=today)
        assert not ScheduledRun.objects.filter(name="test.half-done-work").exists()
        assert ScheduledRun.objects.get(name="test.failing").last_run_on is None  # the day is still to do
        registry.register_daily("test.failing", lambda: ScheduledRun.objects.create(name="test.whole-work"))
        assert "test.failing" in services.run_daily(on=today)
        assert "test.failing" not in services.run_daily(on=today)
        assert ScheduledRun.objects.filter(name="test.whole-work").count() == 1
    finally:
        registry.DAILY.pop("test.failing")


def test_expired_files_go_only_when_the_day_commits(users, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(owner=users["hzadmin"], kind="test.numbers", title="导出", params={"n": 2})
    job.refresh_from_db()
    name = job.result.name
    storage = job.result.storage
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.expire_downloads(now=job.expires_at) == 1
    assert storage.exists(name)  # not yet: the transaction could still roll back
    for callback in callbacks:
        callback()
    assert not storage.exists(name)


def test_the_owner_retries_a_failed_job_in_my_downloads(users, kinds, login, django_capture_on_commit_callbacks):
    owner = users["hzadmin"]
    failed = _running(owner, beat_seconds_ago=0, attempts=2)
    Job.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED, message=services.INTERRUPTED)
    theirs = Job.objects.create(
        owner=users["wjwadmin"], kind="test.numbers", title="别人的导出", status=JobStatus.FAILED
    )
    client = login("hzadmin")
    page = client.get("/downloads/").content.decode()
    assert "失败" in page and "请点击“重试”" in page and f'action="/downloads/{failed.pk}/retry/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/downloads/{failed.pk}/retry/", follow=True)
    assert "已重新提交" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.result.read()) == (JobStatus.DONE, 1, b"0,1,2")
    page = client.get("/downloads/").content.decode()
    assert f"/downloads/{failed.pk}/retry/" not in page  # done: nothing to retry
    response = client.post(f"/downloads/{failed.pk}/retry/", follow=True)
    assert "只有失败的任务可以重试" in response.content.decode()
    assert client.post(f"/downloads/{theirs.pk}/retry/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == JobStatus.FAILED


def test_run_jobs_needs_the_database_queue():
    with pytest.raises(CommandError, match="run_jobs 需要数据库任务队列"):
        call_command("run_jobs", "--once")  # the test settings' default backend is the dummy one


def test_production_refuses_jobs_outside_the_database_queue(settings):
    from title_review.jobs.checks import durable_job_queue

    settings.REQUIRE_DURABLE_JOBS = True
    settings.JOBS_RUNNER = "inline"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert [e.id for e in durable_job_queue(None)] == ["jobs.E001", "jobs.E002"]
    settings.JOBS_RUNNER = "worker"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert durable_job_queue(None) == []


def test_the_daily_command_runs_each_task_once_a_day(users):
    out = io.StringIO()
    call_command("run_daily", stdout=out)
    assert "已运行：" in out.getvalue() and "jobs.expire_downloads" in out.getvalue()
    out = io.StringIO()
    call_command("run_daily", stdout=out)
    assert out.getvalue().strip() == "今天的定时任务均已运行。"


def test_the_frameworks_task_records_are_kept_30_days(db):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    old, recent, waiting = (
        DBTaskResult.objects.create(
            task_path="title_review.jobs.tasks.run_job_task",
            args_kwargs={"args": [1], "kwargs": {}},
            backend_name="default",
            status=status,
            finished_at=finished,
        )
        for status, finished in (
            ("SUCCESSFUL", now - dt.timedelta(days=31)),
            ("FAILED", now - dt.timedelta(days=29)),
            ("READY", None),
        )
    )
    assert services.prune_task_records(now=now) == 1
    assert set(DBTaskResult.objects.values_list("id", flat=True)) == {recent.id, waiting.id}
