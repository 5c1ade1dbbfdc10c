"""诚信档案: a person barred from declaring after fraud (domain-model.md §5), read by the precheck.

A record names the person by 证件类型 + 证件号码 (normalised as core.identity does), so a ban holds
whether or not the person has an account yet. Records are never deleted: lifting one early keeps the
row with who lifted it, when and why.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.identity import mask_identity
from title_review.core.models import TimeStampedModel


class IntegrityStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")
    LIFTED = "lifted", _("已解除")
    EXPIRED = "expired", _("已到期")
    PENDING = "pending", _("未生效")  # starts on a later date


class IntegrityKind(models.TextChoices):
    """What the record bars: a 诚信档案 ban (blocks 提交 in every precheck mode) or a 处分 period (no
    filing inside it: a failed precheck rule, blocking where the round blocks failed prechecks)."""

    BAN = "ban", _("诚信记录（禁止申报）")
    DISCIPLINE = "discipline", _("处分（处分期内不得申报）")


class IntegrityRecord(TimeStampedModel):
    kind = models.CharField(_("记录类别"), max_length=12, choices=IntegrityKind.choices, default=IntegrityKind.BAN)
    id_type = models.CharField(_("证件类型"), max_length=4)
    # Normalised (upper-case X); shown masked (core.identity.mask_identity) on every page and in the audit log.
    id_number = models.CharField(_("证件号码"), max_length=20, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="integrity_records",
        verbose_name=_("个人账号"),
    )
    reason = models.TextField(_("记录事由"))
    basis = models.CharField(_("文件依据"), max_length=200, blank=True, default="")
    starts_on = models.DateField(_("开始日期"))
    # The last day on which declaring is barred (for a 处分: the last day of the 处分期).
    ban_until = models.DateField(_("禁止申报截止日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="integrity_records",
        verbose_name=_("记录机构"),
    )
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解除人"),
    )
    lift_reason = models.TextField(_("解除原因"), blank=True, default="")

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("诚信档案")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ban_until__gte=models.F("starts_on")), name="integrity_ban_after_start"
            ),
        ]

    def __str__(self) -> str:
        # Audit rows copy this text: the identity number stays masked there too.
        return f"{self.name}（{mask_identity(self.id_number)}）"

    def status_on(self, day: dt.date) -> IntegrityStatus:
        if self.lifted_at is not None:
            return IntegrityStatus.LIFTED
        if self.ban_until < day:
            return IntegrityStatus.EXPIRED
        if self.starts_on > day:
            return IntegrityStatus.PENDING
        return IntegrityStatus.ACTIVE
