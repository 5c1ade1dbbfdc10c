from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "title_review.exchange"
    label = "exchange"
    verbose_name = "交换数据包"

    def ready(self) -> None:
        from title_review.jobs.registry import register_handler

        from .services import EXPORT_JOB, run_export_job

        register_handler(EXPORT_JOB, "导出交换数据包", run_export_job)
