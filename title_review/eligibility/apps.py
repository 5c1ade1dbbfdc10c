from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "title_review.eligibility"
    label = "eligibility"
    verbose_name = "资格预审"
