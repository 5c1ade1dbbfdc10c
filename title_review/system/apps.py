from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "title_review.system"
    label = "system"
    verbose_name = "系统"

    def ready(self) -> None:
        from title_review.jobs.registry import register_handler

        from .services import BACKUP_JOB, run_backup_job

        register_handler(BACKUP_JOB, "系统备份", run_backup_job)
