from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "title_review.organisations"
    label = "organisations"
    verbose_name = "机构"

    def ready(self) -> None:
        from title_review.core import importing

        from .imports import ORGANISATIONS, STAFF, SUB_ACCOUNTS

        importing.register(ORGANISATIONS, SUB_ACCOUNTS, STAFF)
