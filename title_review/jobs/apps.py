from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "title_review.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the system checks
        from .imports import JOB_KIND, run_import_job
        from .registry import register_daily, register_handler
        from .services import expire_downloads, prune_task_records

        register_daily("jobs.expire_downloads", expire_downloads)
        register_daily("jobs.prune_task_records", prune_task_records)
        register_handler(JOB_KIND, "导入", run_import_job)
