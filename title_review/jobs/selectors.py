from typing import Any

from django.db.models import QuerySet

from .models import Job


def jobs_of(user: Any) -> QuerySet[Job]:
    """我的下载: a person sees only the jobs they started."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner_id=user.pk)
