"""Reads of the public portal: published rounds' notices and their files, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from title_review.access.public import DOWNLOAD, notice_files, published_rounds
from title_review.attachments.models import Attachment
from title_review.rounds.models import Round

NOTICES_SHOWN = 20


@dataclass
class Notice:
    round: Round
    files: list[Attachment] = field(default_factory=list)


def notices(limit: int = NOTICES_SHOWN) -> list[Notice]:
    """The newest published rounds with their 通知附件: two queries whatever the number."""
    rounds = list(published_rounds().select_related("publisher", "series").order_by("-published_at", "-pk")[:limit])
    files: dict[int, list[Attachment]] = defaultdict(list)
    rows = notice_files.visible(None, DOWNLOAD).filter(target_id__in=[r.pk for r in rounds]).order_by("pk")
    for attachment in rows.only("pk", "original_name", "size", "target_id", "content_type"):
        files[int(attachment.target_id or 0)].append(attachment)
    return [Notice(round=r, files=files[r.pk]) for r in rounds]


def public_file(pk: Any) -> Attachment:
    return notice_files.get(None, pk, DOWNLOAD)
