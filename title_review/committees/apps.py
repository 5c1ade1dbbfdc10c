from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "title_review.committees"
    label = "committees"
    verbose_name = "评委会评审"

    def ready(self) -> None:
        from title_review.jobs.registry import register_daily

        from .scheduled import run_daily

        register_daily("committees.deadlines", run_daily)
