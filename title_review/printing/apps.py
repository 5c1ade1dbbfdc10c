from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "title_review.printing"
    label = "printing"
    verbose_name = "打印表格"

    def ready(self) -> None:
        from title_review.jobs.registry import register_handler

        from .batch import BATCH_KIND, round_review_forms

        register_handler(BATCH_KIND, "批量打印评审表", round_review_forms)
