"""Uploaded files (附件) for declarations and achievement records.

A file is stored under a random name (attachments/<yyyy>/<mm>/<32 hex>.<ext>) in the default
storage, which lives outside every served path (settings.MEDIA_ROOT); it is only ever read back
through the download view, which checks who may see it. The user's file name is kept in
`original_name` for display and for the download's Content-Disposition, never as a path.
"""

import secrets
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .types import ATTACHMENT_TYPES

_STORED_EXTENSIONS = frozenset({"pdf", "jpg", "png"})


def attachment_path(instance: Any, filename: str) -> str:
    """attachments/<yyyy>/<mm>/<32 hex>.<ext>: whatever name the caller passes, only its extension is kept."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in _STORED_EXTENSIONS:
        extension = "bin"
    return f"attachments/{timezone.localtime():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="attachments", verbose_name=_("材料所属人")
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="uploaded_attachments", verbose_name=_("上传人")
    )
    kind = models.CharField(_("附件类型"), max_length=30)  # a code from attachments.types.ATTACHMENT_TYPES
    original_name = models.CharField(_("原文件名"), max_length=200)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=100)  # MIME type of the verified content
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Set when the material it belongs to is submitted (lock_attachments): it can no longer be deleted.
    locked = models.BooleanField(_("已锁定"), default=False)
    # What the file belongs to (a declaration, an achievement record, ...); empty until attached.
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属材料类型"),
    )
    target_id = models.PositiveBigIntegerField(_("所属材料编号"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("附件")
        indexes = [models.Index(fields=["target_type", "target_id"], name="attachment_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_type__isnull=True, target_id__isnull=True)
                | models.Q(target_type__isnull=False, target_id__isnull=False),
                name="attachment_target_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def kind_label(self) -> str:
        found = ATTACHMENT_TYPES.get(self.kind)
        return found.label if found else self.kind
