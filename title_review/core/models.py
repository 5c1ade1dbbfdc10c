"""Plumbing shared by every capability. This module imports no other app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class PolicySetting(TimeStampedModel):
    """A province-configurable policy number (publicity days, code patterns, ...).

    Defaults live in `core.policies.DEFAULTS`; a row here overrides one of them.
    """

    key = models.CharField(_("参数"), max_length=100, unique=True)
    value = models.JSONField(_("值"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("政策参数")

    def __str__(self) -> str:
        return self.key
