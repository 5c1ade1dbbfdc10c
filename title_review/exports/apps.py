from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "title_review.exports"
    label = "exports"
    verbose_name = "导出汇总表"

    def ready(self) -> None:
        from title_review.jobs.registry import register_handler

        from .services import JOB_KIND, run_export_job

        register_handler(JOB_KIND, "导出汇总表", run_export_job)
