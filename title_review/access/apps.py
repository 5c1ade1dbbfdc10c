from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "title_review.access"
    label = "access"
    verbose_name = "权限"
