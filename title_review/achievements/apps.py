from functools import partial
from typing import Any

from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "title_review.achievements"
    label = "achievements"
    verbose_name = "业绩档案"

    def ready(self) -> None:
        from title_review.attachments.access import register_target

        from .selectors import RECORD_MODELS

        # A row's attachments are visible to whoever may see the row.
        for model in RECORD_MODELS.values():
            register_target(model._meta.label_lower, partial(_visible, model=model))


def _visible(user: Any, *, model: Any) -> Any:
    from .selectors import records_visible_to

    return records_visible_to(user, model)
