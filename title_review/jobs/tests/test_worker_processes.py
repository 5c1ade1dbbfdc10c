"""Real `manage.py run_jobs` processes on PostgreSQL (ADR 0036): `kill -9` mid-job, a lost database
connection, and the daily work killed mid-way — a job never stays 处理中 and the day's work never runs twice.

The timings are settings (JOBS_STALE_SECONDS etc.), short here; production's defaults give a dead worker's
job back within about three minutes."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from title_review.jobs import registry, services
from title_review.jobs.models import Job, JobStatus, ScheduledRun
from title_review.jobs.tests.worker_main import MARKER, SLOW_DAILY, SLOW_KIND, slow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes share a PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(settings.BASE_DIR)
STEPS_20 = ",".join(str(i) for i in range(20))  # the slow job's file after 20 steps
FAST = {"JOBS_HEARTBEAT_SECONDS": "0.3", "JOBS_STALE_SECONDS": "4", "JOBS_SWEEP_SECONDS": "0.5"}


@pytest.fixture
def db_queue(settings):
    """This process enqueues into the database queue the worker processes drain."""
    settings.JOBS_RUNNER = "worker"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    registry.register_handler(SLOW_KIND, "慢任务", slow)
    yield
    registry.HANDLERS.pop(SLOW_KIND, None)


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """start(**env) runs one `run_jobs` process on the test database; all are stopped at the end."""
    started: list[subprocess.Popen] = []
    db = connection.settings_dict

    def start(**extra: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "JOBS_RUNNER": "worker",
            **FAST,
            **extra,
        }
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "title_review.jobs.tests.worker_main"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for: {what}")


def job_now(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def slow_job(users, steps: int = 20, pause: float = 0.25, first_pause: float | None = None) -> Job:
    params = {"n": steps, "pause": pause} | ({"first_pause": first_pause} if first_pause is not None else {})
    return services.enqueue(owner=users["hzadmin"], kind=SLOW_KIND, title="导出花名册", params=params)


def kill_mid_job(start, users, steps: int = 20) -> Job:
    first = start()
    job = slow_job(users, steps=steps)
    wait_for(lambda: job_now(job.pk).done >= 3, 60, "the first worker to be mid-job")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    job = job_now(job.pk)
    assert job.status == JobStatus.RUNNING and 0 < job.done < steps  # killed mid-way, as a crash leaves it
    return job


def test_a_job_whose_worker_is_killed_is_finished_by_another_worker(users, db_queue, workers):
    job = kill_mid_job(workers, users)
    first_task = job.task_id
    workers()
    wait_for(lambda: job_now(job.pk).status == JobStatus.DONE, 60, "another worker to finish the job")
    job = job_now(job.pk)
    # The file is in the worker's storage (in memory under the test settings): its name and size are here.
    assert (job.attempts, job.result_name, job.result_size) == (2, "慢任务.txt", len(STEPS_20))
    assert job.task_id != first_task
    # The framework's records: the killed run closed as failed, the second one successful.
    assert DBTaskResult.objects.get(id=first_task).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_a_busy_worker_takes_back_a_dead_workers_job_without_waiting_for_its_own(users, db_queue, workers):
    first = workers()
    # 30 s on the first run: the first worker is still on it when the second has started (a loaded machine
    # takes seconds to start one) and takes the long job; 5 s when run again.
    dead = slow_job(users, first_pause=1.5)
    wait_for(lambda: job_now(dead.pk).done >= 1, 60, "the first worker to be mid-job")
    workers()
    long = slow_job(users, steps=60, pause=0.2)  # 12 s: the second worker is busy all along
    wait_for(lambda: job_now(long.pk).status == JobStatus.RUNNING, 60, "the second worker to be busy")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    wait_for(lambda: job_now(dead.pk).status == JobStatus.QUEUED, 30, "the dead worker's job to be queued again")
    assert job_now(long.pk).status == JobStatus.RUNNING  # taken back while the only worker was busy
    wait_for(lambda: job_now(dead.pk).status == JobStatus.DONE, 90, "the job to be finished after the long one")


def test_a_job_killed_on_its_last_run_shows_failed_and_its_owner_retries_it(users, db_queue, workers, client):
    job = kill_mid_job(workers, users)
    workers(JOBS_MAX_ATTEMPTS="1")
    wait_for(lambda: job_now(job.pk).status == JobStatus.FAILED, 60, "the job to be shown as failed")
    client.force_login(users["hzadmin"])
    page = client.get("/downloads/").content.decode()
    assert "失败" in page and "后台处理进程意外停止" in page and f"/downloads/{job.pk}/retry/" in page
    client.post(f"/downloads/{job.pk}/retry/")
    wait_for(lambda: job_now(job.pk).status == JobStatus.DONE, 60, "the retried job to finish")
    assert job_now(job.pk).result_name == "慢任务.txt"


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_a_worker_survives_a_lost_database_connection_and_loses_no_job(users, db_queue, workers):
    worker = workers()
    job = slow_job(users)
    wait_for(lambda: job_now(job.pk).done >= 3, 60, "the worker to be mid-job")
    assert _terminate_other_connections() >= 1  # the worker's connection (and its heartbeat's)
    wait_for(lambda: job_now(job.pk).status == JobStatus.DONE, 60, "the job to be finished after reconnecting")
    assert worker.poll() is None  # still running: no crash, no restart loop
    job = job_now(job.pk)
    assert (job.attempts, job.result_size) == (2, len(STEPS_20))
    # Once more while it waits for work: the next job still runs.
    _terminate_other_connections()
    second = slow_job(users, steps=2, pause=0.05)
    wait_for(lambda: job_now(second.pk).status == JobStatus.DONE, 60, "a job after the second cut")
    assert worker.poll() is None
    log = Path(worker.log_path).read_text()  # type: ignore[attr-defined]
    assert "database connection lost" in log and "database connection restored" in log


def test_the_daily_work_killed_mid_way_runs_once_and_only_once(users, db_queue, workers, tmp_path):
    daily = {"SLOW_DAILY_DIR": str(tmp_path), "SLOW_DAILY_SECONDS": "30"}
    today = timezone.localdate()

    def started() -> int:
        return len(list(tmp_path.glob("started-*")))

    def day_done() -> bool:
        return ScheduledRun.objects.filter(name=SLOW_DAILY, last_run_on=today).exists()

    for attempt in (1, 2):  # killed during the daily work, twice
        worker = workers(**daily)
        wait_for(lambda n=attempt: started() >= n, 60, "a worker to be in the daily work")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert ScheduledRun.objects.filter(name__startswith=MARKER).count() == 0  # nothing half-done kept
        assert not day_done()
    # Three workers at once: one does the day, the others skip it.
    crowd = [workers(**{**daily, "SLOW_DAILY_SECONDS": "2"}) for _ in range(3)]
    wait_for(day_done, 90, "the day's work to be done")
    time.sleep(2)  # several more sweeps of every worker
    assert all(w.poll() is None for w in crowd)
    assert ScheduledRun.objects.filter(name__startswith=MARKER).count() == 1
    assert started() == 3  # the two killed runs and the one that counted
