from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "title_review.organisations"
    label = "organisations"
    verbose_name = "机构"
