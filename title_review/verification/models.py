"""SMS verification codes and the development outbox.

A code is never stored in clear: only its HMAC-SHA256 (keyed with SECRET_KEY, bound to the phone
number and purpose) is kept, so neither a database dump nor the admin pages reveal a live code.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    RESET_PASSWORD = "reset_password", _("找回密码")
    CHANGE_PHONE = "change_phone", _("更换手机号")
    EMPLOYER_RESET = "employer_reset", _("单位找回密码")


def mask_phone(phone: str) -> str:
    """138****5678: enough to tell numbers apart on a screen, not enough to reuse."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


class SmsCode(models.Model):
    phone = models.CharField(_("手机号码"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=20, choices=SmsPurpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    # Set when the code is used, and also when a newer code for the same phone and purpose
    # supersedes it: either way it can no longer be entered.
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "purpose", "created_at"], name="verif_smscode_lookup_idx"),
            models.Index(fields=["ip", "created_at"], name="verif_smscode_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {mask_phone(self.phone)}"


class SmsMessage(models.Model):
    """The development outbox (短信发件箱): the default backend writes here instead of sending."""

    phone = models.CharField(_("手机号码"), max_length=11)
    text = models.TextField(_("短信内容"))
    purpose = models.CharField(_("用途"), max_length=20, choices=SmsPurpose.choices, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信发件箱")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {mask_phone(self.phone)}"
