"""Append-only audit events. On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).

Actor and organisation are copied by value (id and name) rather than linked, so that no later
change or removal elsewhere can touch a row here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    # What happened, as it happened (core.stored_text): a refused name is recorded as it was typed.
    STORES_TEXT_VERBATIM = True

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True, default="")
    organisation_id = models.BigIntegerField(_("机构ID"), null=True, blank=True, db_index=True)
    organisation_name = models.CharField(_("机构"), max_length=200, blank=True, default="")
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, default="")
    object_id = models.CharField(_("对象ID"), max_length=60, blank=True, default="")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True, default="")
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True, default="")
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("操作日志")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"


class LoginEvent(models.Model):
    # The login name and User-Agent as the client sent them (core.stored_text).
    STORES_TEXT_VERBATIM = True

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    username = models.CharField(_("登录名"), max_length=150, db_index=True)
    user_id = models.BigIntegerField(_("账号ID"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("机构ID"), null=True, blank=True, db_index=True)
    organisation_name = models.CharField(_("机构"), max_length=200, blank=True, default="")
    event = models.CharField(_("事件"), max_length=20)
    success = models.BooleanField(_("成功"))
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("登录日志")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.event}"
