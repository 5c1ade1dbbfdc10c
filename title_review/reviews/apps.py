from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "title_review.reviews"
    label = "reviews"
    verbose_name = "审核"

    def ready(self) -> None:
        from title_review.jobs.registry import register_daily
        from title_review.organisations.employers import on_employer_moved

        from .services import run_scheduled
        from .services.scheduled import recall_after_move

        register_daily("reviews.daily", run_scheduled)
        on_employer_moved("reviews.recall_forwarded", recall_after_move)
