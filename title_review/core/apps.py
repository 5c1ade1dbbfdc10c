from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "title_review.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from . import checks  # noqa: F401 — registers the system checks
        from .stored_text import on_pre_save

        pre_save.connect(on_pre_save, dispatch_uid="core.stored_text")
