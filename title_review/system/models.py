"""The province's working-day overrides, read by `system.workdays` before the national calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class WorkingDayOverride(TimeStampedModel):
    """One day the province counts differently from the State Council schedule (e.g. a typhoon closure).

    A row wins over `chinese_calendar`, and over the Monday–Friday fallback for years it has no data for.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_working_day else '休息日'}"
