from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "title_review.dictionaries"
    label = "dictionaries"
    verbose_name = "代码字典"
