from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "title_review.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from title_review.jobs.registry import register_daily

        from .resume import clear_lapsed_sessions

        register_daily("accounts.clear_lapsed_sessions", clear_lapsed_sessions)
