from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "title_review.audit"
    label = "audit"
    verbose_name = "审计"
