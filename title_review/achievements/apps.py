from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "title_review.achievements"
    label = "achievements"
    verbose_name = "业绩档案"
