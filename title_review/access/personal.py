"""Things that belong to one person alone: background jobs (我的下载) and 站内信."""

from typing import Any

from django.db.models import Q

from title_review.jobs.models import Job
from title_review.notifications.models import Message

from .kinds import ObjectPolicy, register

OWN = "own"


class JobPolicy(ObjectPolicy[Job]):
    kind = "job"
    model = Job
    purposes = frozenset({OWN})

    def rule(self, user: Any, purpose: str) -> Q | None:
        return Q(owner_id=user.pk)


class MessagePolicy(ObjectPolicy[Message]):
    kind = "message"
    model = Message
    purposes = frozenset({OWN})

    def rule(self, user: Any, purpose: str) -> Q | None:
        return Q(recipient_id=user.pk)


jobs = register(JobPolicy())
messages = register(MessagePolicy())
