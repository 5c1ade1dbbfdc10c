from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "title_review.core"
    label = "core"
    verbose_name = "基础"
