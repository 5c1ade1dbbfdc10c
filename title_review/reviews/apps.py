from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "title_review.reviews"
    label = "reviews"
    verbose_name = "审核"

    def ready(self) -> None:
        from title_review.jobs.registry import register_daily

        from .services import run_scheduled

        register_daily("reviews.daily", run_scheduled)
