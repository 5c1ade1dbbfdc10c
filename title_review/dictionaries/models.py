"""Province-maintained code tables (字典). Entries are disabled, never deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class DictionaryType(TimeStampedModel):
    code = models.CharField(_("类型代码"), max_length=40, unique=True)
    name = models.CharField(_("类型名称"), max_length=50)
    parent_type = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上级类型"),
        help_text=_("例如 专业 的上级是 系列；行政区划 的上级是它自己"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("字典类型")

    def __str__(self) -> str:
        return str(self.name)


class Entry(TimeStampedModel):
    type = models.ForeignKey(DictionaryType, on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    # Extra facts some types need, e.g. a 资格名称's level code.
    attributes = models.JSONField(_("附加属性"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["type_id", "sort_order", "code"]
        verbose_name = _("字典条目")
        constraints = [models.UniqueConstraint(fields=["type", "code"], name="unique_entry_code")]

    def __str__(self) -> str:
        return str(self.name) if self.is_active else f"{self.name}(已停用)"


class Generation(models.Model):
    """One row (id 1) whose token changes with every write to the code tables, set by triggers in the
    database (migration 0003, ADR 0049): what the workers' cached entries are checked against."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(_("版本标识"), max_length=64)

    class Meta:
        verbose_name = _("字典版本")
