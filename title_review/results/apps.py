from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "title_review.results"
    label = "results"
    verbose_name = "评后管理"
