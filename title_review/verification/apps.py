from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "title_review.verification"
    label = "verification"
    verbose_name = "验证码"

    def ready(self) -> None:
        from title_review.access.menu import show_only_when

        from . import checks  # noqa: F401 — registers the system checks
        from .backends import outbox_may_be_read

        # 短信发件箱 exists only where codes go to the outbox (make run, tests); production never lists it.
        show_only_when("verification:outbox", outbox_may_be_read)
