from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "title_review.rounds"
    label = "rounds"
    verbose_name = "评审活动"

    def ready(self) -> None:
        from title_review.attachments.access import register_target

        from .selectors import rounds_visible_to

        # 通知附件 are seen by whoever sees the round.
        register_target("rounds.round", rounds_visible_to)
