from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "title_review.rounds"
    label = "rounds"
    verbose_name = "评审活动"
