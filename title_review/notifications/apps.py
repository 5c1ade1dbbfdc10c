from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "title_review.notifications"
    label = "notifications"
    verbose_name = "站内信"
