from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "title_review.accounts"
    label = "accounts"
    verbose_name = "账号"
