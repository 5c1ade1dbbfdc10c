from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "title_review.results"
    label = "results"
    verbose_name = "评后管理"

    def ready(self) -> None:
        from title_review.core import importing
        from title_review.exports import lists

        from .exports import SPEC
        from .imports import RESULTS

        importing.register(RESULTS)
        lists.register(SPEC)
