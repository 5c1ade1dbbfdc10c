from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "title_review.committees"
    label = "committees"
    verbose_name = "评委会评审"
