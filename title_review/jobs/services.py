"""Enqueue, run and expire background jobs. Workers (`manage.py run_jobs`) scale out: each job is
claimed by one worker with a conditional UPDATE, so any number of them can share one database."""

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import personal
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.policies import get_policy

from .models import Job, JobStatus, ScheduledRun
from .registry import DAILY, HANDLERS, JobOutput

logger = logging.getLogger(__name__)


def runner_mode() -> str:
    """ "inline" runs a job right after the enqueuing transaction commits (tests); "worker" leaves it
    to `manage.py run_jobs` (make run starts one; production runs several)."""
    return str(getattr(settings, "JOBS_RUNNER", "worker"))


def enqueue(*, owner: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job for `owner`; it shows in 我的下载 with its progress at once."""
    if kind not in HANDLERS:
        raise DomainError("未知的任务类型。")
    job = Job.objects.create(owner=owner, kind=kind, title=title[:200], params=params or {})
    if runner_mode() == "inline":
        transaction.on_commit(lambda: run_job(job.pk))
    return job


def claim_next() -> Job | None:
    """The oldest queued job, claimed for this worker (None when the queue is empty)."""
    for pk in Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk").values_list("pk", flat=True)[:5]:
        if Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        ):
            return Job.objects.get(pk=pk)
    return None


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


def run_job(job_id: int) -> Job:
    """Run one claimed (or, inline, queued) job to the end; failures are recorded, never raised."""
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.QUEUED:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
        job.refresh_from_db()
    entry = HANDLERS.get(job.kind)
    try:
        if entry is None:
            raise DomainError("未知的任务类型。")
        output = entry.handler(job, _Progress(job))
    except DomainError as exc:
        return _finish(job, status=JobStatus.FAILED, message=exc.message)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish(job, status=JobStatus.FAILED, message="任务处理失败，请稍后重试或联系管理员。")
    return _finish(job, status=JobStatus.DONE, output=output)


def _finish(job: Job, *, status: str, message: str = "", output: JobOutput | None = None) -> Job:
    job.refresh_from_db()
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


def expire_downloads(*, now: dt.datetime | None = None) -> int:
    """Delete the files of 我的下载 whose keeping period has passed (the rows stay, marked expired)."""
    now = now or timezone.now()
    count = 0
    for job in Job.objects.filter(expires_at__lte=now).exclude(result=""):
        job.result.delete(save=False)
        job.result = ""
        job.message = "文件已过保存期限，已删除。"
        job.save(update_fields=["result", "message", "updated_at"])
        count += 1
    return count


def run_daily(*, on: dt.date | None = None) -> list[str]:
    """Run each daily task once for `on` (today); several workers may call this, one wins each task."""
    on = on or timezone.localdate()
    ran = []
    for name, task in DAILY.items():
        ScheduledRun.objects.get_or_create(name=name)
        claimed = ScheduledRun.objects.filter(name=name).exclude(last_run_on__gte=on).update(last_run_on=on)
        if not claimed:
            continue
        try:
            task()
        except Exception:
            logger.exception("daily task %s failed", name)
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
