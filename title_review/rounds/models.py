"""Committees (评委会) with their panels (学科组), and published rounds (评审活动 / 申报项目)."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class Committee(TimeStampedModel):
    """A review committee hosted by an organisation (组建单位), with its 备案 validity."""

    name = models.CharField(_("评委会名称"), max_length=200)
    host = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="committees", verbose_name=_("组建单位")
    )
    series = models.ForeignKey("dictionaries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("系列"))
    # 级别 codes it may review (dictionary "level"): a committee reviews its own level and below.
    levels = models.JSONField(_("可评审级别"), default=list)
    # 专业 codes it accepts (dictionary "specialty"); empty means every specialty of the series.
    specialties = models.JSONField(_("受理专业"), default=list, blank=True)
    # 核准备案 (人社部令第40号; ADR 0032): 备案号, the date it was filed and the end of its validity (≤ 3 years).
    # A committee without them is 未备案: it may be set up, but no meeting is drawn or held for it.
    filing_number = models.CharField(_("备案号"), max_length=60, blank=True, default="")
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    valid_until = models.DateField(_("备案有效期至"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["host_id", "name"]
        verbose_name = _("评委会")
        constraints = [models.UniqueConstraint(fields=["host", "name"], name="unique_committee_name")]

    def __str__(self) -> str:
        return self.name

    def filing_state(self, on: dt.date) -> str:
        """ "none" (未备案), "expired" (on a day after its 有效期), or "valid"."""
        if self.valid_until is None:
            return "none"
        return "expired" if self.valid_until < on else "valid"

    def filing_refusal(self, on: dt.date, doing: str = "组织评审") -> str:
        """Why the committee cannot act on `on` ("" when its 备案 is in force)."""
        state = self.filing_state(on)
        if state == "none":
            return f"“{self.name}”尚未备案（无备案有效期），不能{doing}。"
        if state == "expired":
            return f"“{self.name}”的备案已过有效期（有效期至 {self.valid_until:%Y-%m-%d}），不能{doing}。请先办理备案延续。"
        return ""


class Panel(TimeStampedModel):
    """学科组 / 评议组 of a committee."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="panels", verbose_name=_("评委会"))
    name = models.CharField(_("学科组名称"), max_length=100)
    specialties = models.JSONField(_("专业"), default=list, blank=True)

    class Meta:
        ordering = ["committee_id", "name"]
        verbose_name = _("学科组")
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="unique_panel_name")]

    def __str__(self) -> str:
        return self.name


class RoundKind(models.TextChoices):
    REVIEW = "review", _("评审")
    INITIAL = "initial", _("初定")
    RECOGNITION = "recognition", _("认定")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PrecheckMode(models.TextChoices):
    WARN = "warn", _("不符合时提示")
    BLOCK = "block", _("不符合时不能提交")


class Round(TimeStampedModel):
    """A published call for declarations."""

    title = models.CharField(_("活动名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    # The last 申报编号 sequence given in this round (declarations.services._open_draft takes the next).
    declaration_seq = models.PositiveIntegerField(_("申报编号序号"), default=0, editable=False)
    kind = models.CharField(_("类别"), max_length=20, choices=RoundKind.choices, default=RoundKind.REVIEW)
    publisher = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="published_rounds",
        verbose_name=_("发布单位"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds", verbose_name=_("评委会")
    )
    panel = models.ForeignKey(
        Panel, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds", verbose_name=_("学科组")
    )
    series = models.ForeignKey("dictionaries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("系列"))
    levels = models.JSONField(_("申报级别"), default=list)
    qualifications = models.JSONField(_("资格名称"), default=list)
    specialties = models.JSONField(_("受理专业"), default=list, blank=True)
    # 受理范围: organisations whose subtrees may declare.
    scope = models.ManyToManyField("organisations.Organisation", related_name="+", verbose_name=_("受理范围"))
    opens_at = models.DateTimeField(_("申报开始时间"))
    closes_at = models.DateTimeField(_("申报截止时间"))
    notice = models.TextField(_("相关要求"), blank=True, default="")
    routes = models.JSONField(_("允许的申报方式"), default=list)
    required_sections = models.JSONField(_("必填栏目"), default=list, blank=True)
    attachment_types = models.JSONField(_("附件类型"), default=list, blank=True)
    # Series-specific section, e.g. {"teacher": true} for 中小学教师 (公开课, 拟评审类型, 学生满意度, ...).
    series_section = models.CharField(_("系列专项栏目"), max_length=40, blank=True, default="")
    precheck_mode = models.CharField(
        _("资格预审"), max_length=10, choices=PrecheckMode.choices, default=PrecheckMode.WARN
    )
    # Organisations on the review chain that pass declarations straight on (直接转报), by id.
    pass_through = models.JSONField(_("直接转报的审核层级"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-opens_at", "id"]
        verbose_name = _("评审活动")
        indexes = [models.Index(fields=["status", "year"], name="round_status_year")]

    def __str__(self) -> str:
        return self.title


# What declarations depend on: fixed once a round is published.
LOCKED_AFTER_PUBLISH = (
    "year",
    "kind",
    "publisher",
    "committee",
    "panel",
    "series",
    "levels",
    "qualifications",
    "specialties",
    "routes",
    "required_sections",
    "attachment_types",
    "series_section",
    "opens_at",
    "pass_through",
)
