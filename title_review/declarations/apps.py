from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "title_review.declarations"
    label = "declarations"
    verbose_name = "申报材料"
