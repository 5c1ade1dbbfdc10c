from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "title_review.dictionaries"
    label = "dictionaries"
    verbose_name = "代码字典"

    def ready(self) -> None:
        from title_review.core import importing

        from .imports import ENTRIES

        importing.register(ENTRIES)
