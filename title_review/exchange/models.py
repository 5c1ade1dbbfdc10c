"""交换数据包: this installation's identity, and the declarations received from packages.

Received declarations are the committee stage's own store: a copy of the snapshot exactly as it was
accepted (checked against its SHA-256 on import), with its files. They never point back at the
source's Declaration rows, which may live in another installation's database.
"""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from title_review.attachments.types import ATTACHMENT_TYPES


class Installation(models.Model):
    """One row: the id this installation writes into the packages it exports (created on first use)."""

    uuid = models.UUIDField(_("系统标识"), unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("本系统标识")

    def __str__(self) -> str:
        return str(self.uuid)


class ReceivedDeclaration(models.Model):
    """A declaration received from an exchange package (接收高中级申报信息 / 转评委会)."""

    source_installation = models.CharField(_("来源系统标识"), max_length=64)
    source_organisation = models.CharField(_("导出机构"), max_length=200, blank=True, default="")
    source_id = models.PositiveBigIntegerField(_("原申报编号"))
    source_round_id = models.PositiveBigIntegerField(_("原评审活动编号"))
    round_title = models.CharField(_("评审活动"), max_length=200)
    round_year = models.PositiveSmallIntegerField(_("年度"))
    round_kind = models.CharField(_("类别"), max_length=20, blank=True, default="")
    round_publisher = models.CharField(_("发布单位"), max_length=200, blank=True, default="")
    applicant_name = models.CharField(_("申报人"), max_length=100)
    employer_name = models.CharField(_("申报单位"), max_length=200, blank=True, default="")
    snapshot = models.JSONField(_("申报材料（提交时的版本）"))
    snapshot_hash = models.CharField(_("材料摘要（SHA-256）"), max_length=64)
    package_name = models.CharField(_("数据包"), max_length=200)
    package_sha256 = models.CharField(_("数据包清单校验值"), max_length=64)
    package_created_at = models.DateTimeField(_("数据包导出时间"))
    package_creator = models.CharField(_("导出人"), max_length=260, blank=True, default="")
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收人")
    )
    # Where it was received: who may see it follows this organisation's subtree (exchange.manage).
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("接收机构")
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("接收的申报材料")
        constraints = [
            # Idempotent import: the same submitted material from the same source is received once.
            models.UniqueConstraint(fields=["source_installation", "snapshot_hash"], name="received_once_per_source"),
        ]
        indexes = [
            models.Index(fields=["round_year", "source_installation", "source_round_id"], name="received_round"),
            models.Index(fields=["applicant_name"], name="received_applicant"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.round_title}"

    @property
    def round_label(self) -> str:
        """The round as people name it: its title, with the year in front when the title lacks it."""
        return round_label(self.round_year, self.round_title)


def round_label(year: int, title: str) -> str:
    return title if str(year) in title else f"{year} {title}"


def received_file_path(instance: Any, filename: str) -> str:
    """exchange/<yyyy>/<mm>/<32 hex>.<ext>: never a name taken from the package."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    if extension not in ("pdf", "jpg", "png", "bin"):
        extension = "bin"
    return f"exchange/{timezone.localtime():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class ReceivedFile(models.Model):
    declaration = models.ForeignKey(
        ReceivedDeclaration, on_delete=models.CASCADE, related_name="files", verbose_name=_("接收的申报材料")
    )
    kind = models.CharField(_("附件类型"), max_length=30, blank=True, default="")
    name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), upload_to=received_file_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("接收的附件")

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        found = ATTACHMENT_TYPES.get(self.kind)
        return found.label if found else (self.kind or "附件")
