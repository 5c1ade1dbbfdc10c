from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from title_review.access.policies import person_pk
from title_review.attachments.models import Attachment
from title_review.core.params import to_id

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


def _proofs() -> QuerySet:
    # By the content type's natural key (a join), not ContentType.objects.get_for_model: no query of its own.
    return Attachment.objects.filter(
        target_type__app_label=Achievement._meta.app_label,
        target_type__model=Achievement._meta.model_name,
        kind="proof",
    )


def picked_with_proofs(owner_id: int, ids: list[int]) -> tuple[list[Any], dict[int, Any]]:
    """The owner's 业绩成果 rows among `ids` and, by id, a marker for those with a 证明材料: one query."""
    rows = list(
        Achievement.objects.filter(owner_id=owner_id, pk__in=ids).annotate(
            has_proof=Exists(_proofs().filter(target_id=OuterRef("pk")))
        )
    )
    return rows, {row.pk: True for row in rows if row.has_proof}


def proofs_of(rows: list[Any]) -> dict[int, Any]:
    """The newest 证明材料 of each of these 业绩成果 rows, by row id, in one query (rows without one are absent)."""
    ids = [row.pk for row in rows]
    if not ids:
        return {}
    found: dict[int, Any] = {}
    attachments = _proofs().filter(target_id__in=ids).order_by("target_id", "-pk")
    for attachment in attachments:
        found.setdefault(int(attachment.target_id or 0), attachment)
    return found


def pending_upload(user: Any, attachment_id: Any) -> Any:
    """A file `user` uploaded for a form that was then refused: shown again so it need not be uploaded twice."""
    pk = to_id(attachment_id)
    if pk is None or not getattr(user, "is_authenticated", False):
        return None
    return Attachment.objects.filter(pk=pk, uploaded_by=user, target_id__isnull=True).first()


def paper_verified(row: Any, proofs: dict[int, Any]) -> bool:
    """论文 符合 only with the 知网 节点文献 screenshot and its URL (收录 alone is not 符合: 教师评审系统)."""
    return bool(row.link) and row.pk in proofs
