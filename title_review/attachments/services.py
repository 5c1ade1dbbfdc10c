"""Attachment writes: upload, link to the material it belongs to, delete, lock on submission.

Upload is separate from saving the form the file belongs to: the file is checked and stored as
soon as it is chosen, and the page's own save then links it with `attach` (or the upload names the
target at once when the material already exists). See docs/decisions/0007-attachments.md.
"""

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction

from title_review.access.attachments import target_allows
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError, NotAllowed

from .models import Attachment
from .processing import clean_upload
from .types import MIME_TYPES, get_type


def snapshot(attachment: Attachment) -> dict[str, Any]:
    """What the audit log keeps of an attachment."""
    return {
        "kind": attachment.kind,
        "original_name": attachment.original_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "owner": attachment.owner_id,
        "target": _target_label(attachment),
        "locked": attachment.locked,
    }


def _target_label(attachment: Attachment) -> str:
    if attachment.target_type_id is None:
        return ""
    target_type = ContentType.objects.get_for_id(attachment.target_type_id)
    return f"{target_type.app_label}.{target_type.model}:{attachment.target_id}"


def _require_target(actor: Any, target: models.Model) -> None:
    if not target_allows(actor, target):
        raise NotAllowed("找不到附件所属的材料，或您无权向该材料添加附件。")


def _may_manage(actor: Any, attachment: Attachment) -> bool:
    return getattr(actor, "pk", None) in (attachment.owner_id, attachment.uploaded_by_id)


def upload_attachment(
    *, actor: Any, owner: Any, kind: str, upload: Any, target: models.Model | None = None
) -> Attachment:
    """Check and store an uploaded file as an attachment of type `kind` belonging to `owner`.

    The file is verified by core.uploads (format, size, no scripts in PDFs, images re-encoded without
    metadata), images are turned upright and scaled to at most 2400 px, then stored under a random name
    with its size and SHA-256. Without a target, only the owner may upload (their own material); with
    one, the actor must be allowed to attach files to the target (access.attachments).

    Unlike most services this is not one @transaction.atomic block: checking and re-encoding an image
    takes a while and must not hold the database's write lock, so only the row and its audit entry are
    written in a transaction. If that fails the stored file is removed again.
    """
    attachment_type = get_type(kind)
    if target is not None:
        _require_target(actor, target)
    elif getattr(actor, "pk", None) != getattr(owner, "pk", None):
        raise NotAllowed("只能为本人上传附件。")
    clean = clean_upload(upload, attachment_type)
    content = clean.content
    attachment = Attachment(
        owner=owner,
        uploaded_by=actor,
        kind=attachment_type.code,
        original_name=clean.original_name or f"{attachment_type.label}.{clean.kind}",
        content_type=MIME_TYPES[clean.kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    if target is not None:
        attachment.target_type = ContentType.objects.get_for_model(target)
        attachment.target_id = target.pk
    attachment.file.save(clean.random_name(), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record_event(actor=actor, action="attachment.upload", obj=attachment, after=snapshot(attachment))
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attach(*, actor: Any, attachment_id: int, target: models.Model, kind: str | None = None) -> Attachment:
    """Link an uploaded attachment to the row it belongs to (called when the page's form is saved).

    Only the owner or the uploader may link it, only to a target they can see, and only while it is
    not locked or linked elsewhere. Linking again to the same target changes nothing. Pass `kind` to
    make sure the file posted for, say, the 证件照 really was uploaded as one.
    """
    attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
    if attachment is None or not _may_manage(actor, attachment):
        raise DomainError("附件不存在或已删除，请重新上传。")
    if kind is not None and attachment.kind != kind:
        raise DomainError(f"请上传{get_type(kind).label}。")
    _require_target(actor, target)
    target_type = ContentType.objects.get_for_model(target)
    if attachment.target_type_id == target_type.pk and attachment.target_id == target.pk:
        return attachment
    if attachment.locked:
        raise Conflict("已提交的材料中的附件不能更改。")
    if attachment.target_id is not None:
        raise Conflict("该附件已用于其他材料，请重新上传。")
    before = snapshot(attachment)
    attachment.target_type = target_type
    attachment.target_id = target.pk
    attachment.save(update_fields=["target_type", "target_id"])
    record_event(actor=actor, action="attachment.attach", obj=attachment, before=before, after=snapshot(attachment))
    return attachment


@transaction.atomic
def delete_attachment(*, actor: Any, attachment_id: int) -> None:
    """Delete an attachment and, once the transaction commits, its stored file.

    Only its owner or uploader may, and only while it is not locked (its material not yet submitted).
    """
    attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
    if attachment is None:
        raise DomainError("附件不存在或已删除。")
    if not _may_manage(actor, attachment):
        raise NotAllowed("只能删除本人的附件。")
    if attachment.locked:
        raise Conflict("已提交的材料中的附件不能删除。")
    record_event(actor=actor, action="attachment.delete", obj=attachment, before=snapshot(attachment))
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _target_filter(target: models.Model) -> dict[str, Any]:
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def lock_attachments(*, target: models.Model) -> int:
    """Lock every attachment of `target` (its material was submitted); returns how many.

    The submitting service calls this inside its own transaction and audits the submission itself. One
    UPDATE, atomic on its own: no savepoint (two more round trips in every 提交).
    """
    return Attachment.objects.filter(**_target_filter(target), locked=False).update(locked=True)


@transaction.atomic
def unlock_attachments(*, target: models.Model) -> int:
    """Unlock the attachments of `target` again (material returned to the applicant for correction)."""
    return Attachment.objects.filter(**_target_filter(target), locked=True).update(locked=False)


def attachments_of(target: models.Model, *, kind: str | None = None) -> models.QuerySet[Attachment]:
    """The attachments linked to `target` (no access check: start from a target the user may see)."""
    qs = Attachment.objects.filter(**_target_filter(target))
    return qs.filter(kind=kind) if kind else qs


@transaction.atomic
def record_download(*, actor: Any, attachment: Attachment) -> None:
    """Audit a download by someone other than the owner (the owner reading their own file is not logged)."""
    if getattr(actor, "pk", None) == attachment.owner_id:
        return
    record_event(actor=actor, action="attachment.download", obj=attachment, after={"kind": attachment.kind})
