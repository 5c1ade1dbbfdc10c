from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "title_review.demo"
    label = "demo"
    verbose_name = "演示数据"
