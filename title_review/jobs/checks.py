"""System checks of the job queue (ADR 0036)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend


@register()
def durable_job_queue(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Production (REQUIRE_DURABLE_JOBS, set by config.settings.prod) keeps jobs in the database queue that
    `run_jobs` workers drain: never run inside a web process, never in a queue that forgets."""
    if not getattr(settings, "REQUIRE_DURABLE_JOBS", False):
        return []
    errors = []
    if getattr(settings, "JOBS_RUNNER", "worker") != "worker":
        errors.append(
            Error(
                f"生产环境的后台任务必须交给 run_jobs 进程处理（JOBS_RUNNER 当前为 {settings.JOBS_RUNNER!r}）。"
                " Production hands jobs to run_jobs workers: JOBS_RUNNER must be 'worker'.",
                hint="删除环境变量 JOBS_RUNNER，见 docs/deploy.md。",
                id="jobs.E001",
            )
        )
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        errors.append(
            Error(
                f"生产环境的任务队列必须是数据库队列 django_tasks_db.DatabaseBackend（当前为 {type(backend).__name__}）。"
                " Production keeps tasks in the database queue.",
                id="jobs.E002",
            )
        )
    return errors
