from typing import Any

from django.db.models import QuerySet

from title_review.access import personal

from .models import Job


def jobs_of(user: Any) -> QuerySet[Job]:
    """我的下载: a person sees only the jobs they started."""
    return personal.jobs.visible(user, personal.OWN)
