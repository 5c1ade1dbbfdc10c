from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "title_review.system"
    label = "system"
    verbose_name = "系统"
