from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "title_review.reviews"
    label = "reviews"
    verbose_name = "审核"
