from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "title_review.verification"
    label = "verification"
    verbose_name = "验证码"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the system checks
