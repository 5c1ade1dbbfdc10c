"""Enqueue, run, take back and expire background jobs (ADR 0036).

A job is enqueued as a task of Django's task API (`tasks.run_job_task`); `manage.py run_jobs` workers take
the tasks from the database backend. The job row is the person's record: its status, progress and file
show in 我的下载. A worker writes a heartbeat on the job it runs; a job whose heartbeat stops (the worker
was killed, its machine lost) is queued again for another worker, or shown as 失败 with 重试.
"""

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from title_review.access import personal
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.policies import get_policy

from .models import Job, JobStatus, ScheduledRun
from .registry import DAILY, HANDLERS, JobOutput
from .tasks import run_job_task

logger = logging.getLogger(__name__)

INTERRUPTED = "任务处理中断（后台处理进程意外停止），请点击“重试”重新执行。"


def runner_mode() -> str:
    """ "worker" hands each job to the TASKS default backend (the database queue `run_jobs` drains);
    "inline" runs it right after the enqueuing transaction commits, through the immediate backend."""
    return str(getattr(settings, "JOBS_RUNNER", "worker"))


def enqueue(*, owner: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job for `owner`; it shows in 我的下载 with its progress at once."""
    if kind not in HANDLERS:
        raise DomainError("未知的任务类型。")
    with transaction.atomic():
        job = Job.objects.create(owner=owner, kind=kind, title=title[:200], params=params or {})
        _dispatch(job.pk)
    return job


def _dispatch(job_id: int) -> None:
    """Hand a queued job to the task framework. With the database backend the task row commits in the
    same transaction as the job row: a job is never queued without its task, nor a task without its job."""
    if runner_mode() == "inline":
        transaction.on_commit(lambda: _send(job_id, "inline"))
    else:
        _send(job_id, "default")


def _send(job_id: int, backend: str) -> None:
    result = run_job_task.using(backend=backend).enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def run_queued_job(job_id: int) -> str:
    """The task's body: claim the job (one run per queued job, however often its task is delivered)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"  # deleted, or already taken by another run
    return str(run_job(job_id).status)


class _Progress:
    """Writes progress to the job row at most about once a second (the page polls it)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 1.0 and done < total:
            return
        self.last = now
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)


def connection_lost() -> bool:
    """True when the database connection is gone (the worker reconnects and takes the job back)."""
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 — any failure to ask means the connection cannot be used
        return True


def run_job(job_id: int) -> Job:
    """Run one claimed (or, in a test, queued) job to the end; failures are recorded, never raised —
    except a lost database connection, which the worker handles (it reconnects and takes the job back)."""
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.QUEUED:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), attempts=F("attempts") + 1
        )
    job.refresh_from_db()
    attempt = job.attempts
    entry = HANDLERS.get(job.kind)
    try:
        if entry is None:
            raise DomainError("未知的任务类型。")
        output = entry.handler(job, _Progress(job))
    except DomainError as exc:
        return _finish(job, attempt, status=JobStatus.FAILED, message=exc.message)
    except DatabaseError:
        if connection_lost():
            raise
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish(job, attempt, status=JobStatus.FAILED, message="任务处理失败，请稍后重试或联系管理员。")
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish(job, attempt, status=JobStatus.FAILED, message="任务处理失败，请稍后重试或联系管理员。")
    return _finish(job, attempt, status=JobStatus.DONE, output=output)


@transaction.atomic
def _finish(job: Job, attempt: int, *, status: str, message: str = "", output: JobOutput | None = None) -> Job:
    current = Job.objects.select_for_update().filter(pk=job.pk).first()
    if current is None or current.status != JobStatus.RUNNING or current.attempts != attempt:
        # Taken back while this run was thought dead (its heartbeat had stopped): the newer run answers.
        logger.warning("job %s: run %s ended after the job was taken back; its result is dropped", job.pk, attempt)
        if output is not None and output.path is not None:
            Path(output.path).unlink(missing_ok=True)
        return current or job
    job = current
    job.status = status
    job.finished_at = timezone.now()
    job.message = message or (output.message if output else "")
    if output is not None:
        if output.path is not None:
            with Path(output.path).open("rb") as handle:
                job.result.save(output.name, File(handle), save=False)
            Path(output.path).unlink(missing_ok=True)
        elif output.content is not None:
            job.result.save(output.name, ContentFile(output.content), save=False)
        job.result_name = output.name
        job.result_size = job.result.size if job.result else 0
        days = int(get_policy("downloads.keep_days"))
        job.expires_at = job.finished_at + dt.timedelta(days=days)
        if job.total:
            job.done = job.total
    job.save()
    return job


def beat(task_id: str) -> int:
    """The running worker's sign of life on the job its task runs (workers call this every few seconds)."""
    return Job.objects.filter(task_id=task_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())


def recover_stalled_jobs(*, now: dt.datetime | None = None) -> list[int]:
    """Take back every running job whose worker has shown no sign of life for JOBS_STALE_SECONDS: it is
    queued again for another worker (up to JOBS_MAX_ATTEMPTS runs) or shown as 失败 with 重试."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=float(settings.JOBS_STALE_SECONDS))
    stale = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    taken = []
    for pk in Job.objects.filter(stale, status=JobStatus.RUNNING).values_list("pk", flat=True)[:100]:
        if take_back(pk, stale=stale, reason="its worker stopped sending heartbeats"):
            taken.append(pk)
    return taken


def take_back_task(task_id: str) -> bool:
    """A worker that lost its database connection mid-task gives the task's job back once reconnected."""
    pk = Job.objects.filter(task_id=task_id, status=JobStatus.RUNNING).values_list("pk", flat=True).first()
    return pk is not None and take_back(pk, stale=Q(), reason="its worker lost the database connection")


def take_back(pk: int, *, stale: Q, reason: str) -> bool:
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(stale, pk=pk, status=JobStatus.RUNNING).first()
        if job is None:
            return False  # finished, beating again, or being taken back by another worker
        _close_task_record(job.task_id)
        job.heartbeat_at = None
        if job.attempts < int(settings.JOBS_MAX_ATTEMPTS):
            job.status = JobStatus.QUEUED
            job.done = 0
            job.message = ""
            job.save()
            _dispatch(job.pk)
            logger.warning(
                "job %s (%s): %s; queued again (run %s of %s)",
                pk,
                job.kind,
                reason,
                job.attempts + 1,
                settings.JOBS_MAX_ATTEMPTS,
            )
        else:
            job.status = JobStatus.FAILED
            job.finished_at = timezone.now()
            job.message = INTERRUPTED
            job.save()
            logger.error("job %s (%s): %s; failed after %s runs", pk, job.kind, reason, job.attempts)
    return True


def _close_task_record(task_id: str) -> None:
    """The framework's record of a dead run (database backend) is marked failed, not left running."""
    if not task_id or not isinstance(task_backends["default"], DatabaseBackend):
        return
    try:
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(status="FAILED", finished_at=timezone.now())
    except ValidationError:
        return  # an id of another backend (tests)


@transaction.atomic
def retry_job(*, actor: Any, job_id: int) -> Job:
    """我的下载 → 重试: the owner queues a failed job again."""
    job = personal.jobs.visible(actor, personal.OWN).select_for_update().filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.status != JobStatus.FAILED:
        raise DomainError("只有失败的任务可以重试。")
    if job.kind not in HANDLERS:
        raise DomainError("未知的任务类型。")
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.done = 0
    job.message = ""
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.save()
    _dispatch(job.pk)
    return job


def _delete_file_after_commit(name: str) -> None:
    storage = Job._meta.get_field("result").storage  # type: ignore[attr-defined]
    transaction.on_commit(lambda: storage.delete(name))


def expire_downloads(*, now: dt.datetime | None = None) -> int:
    """Delete the files of 我的下载 whose keeping period has passed (the rows stay, marked expired). The
    files go once the day's transaction commits, so a rolled-back day leaves every file in place."""
    now = now or timezone.now()
    count = 0
    for job in Job.objects.filter(expires_at__lte=now).exclude(result=""):
        _delete_file_after_commit(job.result.name)
        job.result = ""
        job.message = "文件已过保存期限，已删除。"
        job.save(update_fields=["result", "message", "updated_at"])
        count += 1
    return count


TASK_RECORDS_KEEP_DAYS = 30


def prune_task_records(*, now: dt.datetime | None = None) -> int:
    """Daily: drop the framework's records of tasks finished over 30 days ago (the jobs stay in 我的下载)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=TASK_RECORDS_KEEP_DAYS)
    deleted, _kinds = DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
    return deleted


def run_daily(*, on: dt.date | None = None) -> list[str]:
    """Run each daily task once for `on` (today), whatever the number of workers calling this.

    Each task runs in one transaction with its day's claim (`ScheduledRun.last_run_on`): the row is
    locked first (another worker skips it), the work is done, the day is written, all commit together.
    A worker killed mid-way leaves neither the work nor the claim; the next sweep does the day once."""
    on = on or timezone.localdate()
    ran = []
    for name, daily in DAILY.items():
        ScheduledRun.objects.get_or_create(name=name)
        try:
            with transaction.atomic():
                row = ScheduledRun.objects.select_for_update(skip_locked=True).filter(name=name).first()
                if row is None or (row.last_run_on is not None and row.last_run_on >= on):
                    continue  # another worker holds it, or the day is done
                daily()
                row.last_run_on = on
                row.save(update_fields=["last_run_on"])
        except DatabaseError:
            if connection_lost():
                raise
            logger.exception("daily task %s failed; it runs again at the next sweep", name)
            continue
        except Exception:
            logger.exception("daily task %s failed; it runs again at the next sweep", name)
            continue
        ran.append(name)
    return ran


@transaction.atomic
def open_download(*, actor: Any, job_id: int) -> Job:
    """我的下载 → 下载: the owner's finished file, with an audit row (exports may hold personal data)."""
    job = personal.jobs.visible(actor, personal.OWN).filter(pk=job_id, status=JobStatus.DONE).exclude(result="").first()
    if job is None:
        raise Http404
    record_event(actor=actor, action="download.file", obj=job, after={"name": job.result_name})
    return job


@transaction.atomic
def delete_job(*, actor: Any, job_id: int) -> None:
    """我的下载 → 删除: a finished or failed job of the owner, with its file."""
    job = personal.jobs.visible(actor, personal.OWN).filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise DomainError("任务尚未完成，不能删除。")
    if job.result:
        job.result.delete(save=False)
    job.delete()
