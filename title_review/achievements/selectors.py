from typing import Any

from django.db import models
from django.db.models import QuerySet

from title_review.access.policies import person_pk

from .models import Achievement, Appraisal, Education, Training, WorkHistory

# Section code -> model; the page's tabs follow this order.
RECORD_MODELS: dict[str, type[models.Model]] = {
    "education": Education,
    "work": WorkHistory,
    "training": Training,
    "appraisal": Appraisal,
    "achievement": Achievement,
}


def records_visible_to(user: Any, model: type[models.Model]) -> QuerySet:
    """Each person's 业绩档案 is their own; reviewers see it through the declarations that pick from it."""
    if not getattr(user, "is_authenticated", False):
        return model._default_manager.none()
    return model._default_manager.filter(owner_id=person_pk(user))
