"""The one task of Django's task API behind every job (ADR 0036): a job is enqueued as `run_job_task(job_id)`.

The task only carries the job's id; the job row (jobs.models.Job) stays the person's record in 我的下载.
"""

from django_tasks import task


@task()
def run_job_task(job_id: int) -> str:
    """Claim the queued job and run it to the end; answers the job's status (or "skipped")."""
    from .services import run_queued_job

    return run_queued_job(job_id)
