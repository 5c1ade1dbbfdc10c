from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "title_review.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from .registry import register_daily
        from .services import expire_downloads

        register_daily("jobs.expire_downloads", expire_downloads)
