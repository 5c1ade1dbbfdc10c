from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "title_review.attachments"
    label = "attachments"
    verbose_name = "附件"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the system checks
