from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "title_review.api"
    label = "api"
    verbose_name = "API"
