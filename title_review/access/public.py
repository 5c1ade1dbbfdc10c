"""What anyone may reach without signing in (公共服务门户): the 通知公告 of published rounds and their
通知附件. Kept to this one module so that what is public is written in one place.

Unlike every other policy, `visible` answers anonymous visitors too: the rule does not depend on the user.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from title_review.attachments.models import Attachment
from title_review.rounds.models import Round, RoundStatus

from .kinds import ObjectPolicy, register

DOWNLOAD = "download"
NOTICE_KIND = "notice"


class PublicNoticeFilePolicy(ObjectPolicy[Attachment]):
    """A 通知附件 of a published round: public, whoever asks."""

    kind = "public_notice_file"
    model = Attachment
    purposes = frozenset({DOWNLOAD})

    def rule(self, user: Any, purpose: str) -> Q | None:
        published = Round.objects.filter(status=RoundStatus.PUBLISHED).values("pk")
        return Q(kind=NOTICE_KIND, target_type=ContentType.objects.get_for_model(Round), target_id__in=published)

    def visible(self, user: Any, purpose: str, queryset: QuerySet[Attachment] | None = None) -> QuerySet[Attachment]:
        self._check(purpose)
        base = queryset if queryset is not None else Attachment.objects.all()
        return base.filter(self.rule(user, purpose))  # type: ignore[arg-type]  # never None here


def published_rounds() -> QuerySet[Round]:
    """通知公告: the rounds whose notice is public (published; drafts and withdrawn ones never)."""
    return Round.objects.filter(status=RoundStatus.PUBLISHED)


notice_files = register(PublicNoticeFilePolicy())
