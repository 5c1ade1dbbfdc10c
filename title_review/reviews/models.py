"""The review chain's own records: publicity and objections, opinion slots, item checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class Publicity(TimeStampedModel):
    """单位内部公示: one notice listing a batch of the employer's candidates."""

    employer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="publicities", verbose_name=_("单位")
    )
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+", verbose_name=_("评审活动"))
    starts_on = models.DateField(_("公示开始日期"))
    # The last working day of the publicity; forwarding is possible from the next day.
    ends_on = models.DateField(_("公示截止日期"))
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"))
    place = models.CharField(_("公示地点或方式"), max_length=200, blank=True, default="")
    contact = models.CharField(_("受理异议联系方式"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("单位内部公示")

    def __str__(self) -> str:
        return f"{self.employer} {self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("异议不成立")
    UPHELD = "upheld", _("异议成立")


class Objection(TimeStampedModel):
    """An objection raised during the employer's publicity, and how it was handled."""

    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="objections")
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="objections", verbose_name=_("申报材料")
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    raised_by = models.CharField(_("异议人（可匿名）"), max_length=100, blank=True, default="")
    status = models.CharField(_("处理状态"), max_length=20, choices=ObjectionStatus.choices, default="open")
    handling = models.TextField(_("处理情况"), blank=True, default="")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("公示异议")


class OpinionSlot(models.TextChoices):
    """Internal opinions a university-style employer collects before its HR forwards."""

    DEPARTMENT = "opinion_department", _("院系考核")
    ETHICS = "opinion_ethics", _("师德")
    TEACHING = "opinion_teaching", _("教学")
    PAPERS = "opinion_papers", _("论文审核")
    IDEOLOGY = "opinion_ideology", _("思政")


class OpinionRequirement(TimeStampedModel):
    """Which opinion slots an employer requires before it passes a declaration."""

    employer = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="opinion_requirement"
    )
    slots = models.JSONField(_("需填写的内部意见"), default=list, blank=True)

    class Meta:
        verbose_name = _("内部审核意见设置")


class InternalOpinion(TimeStampedModel):
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="internal_opinions"
    )
    slot = models.CharField(_("意见类别"), max_length=30, choices=OpinionSlot.choices)
    agrees = models.BooleanField(_("同意推荐"))
    opinion = models.TextField(_("意见"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["slot"]
        verbose_name = _("内部审核意见")
        constraints = [models.UniqueConstraint(fields=["declaration", "slot"], name="one_opinion_per_slot")]


class CheckResult(models.TextChoices):
    VERIFIED = "verified", _("核实无误")
    FLAGGED = "flagged", _("存在问题")


class CheckItem(TimeStampedModel):
    """资格审查: one verified or flagged item of the snapshot (a record row or an attachment)."""

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.CASCADE, related_name="check_items")
    key = models.CharField(_("审查项"), max_length=60)
    label = models.CharField(_("审查内容"), max_length=200)
    result = models.CharField(_("审查结果"), max_length=10, choices=CheckResult.choices)
    reason = models.CharField(_("问题说明"), max_length=300, blank=True, default="")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["key"]
        verbose_name = _("资格审查项")
        constraints = [models.UniqueConstraint(fields=["declaration", "key"], name="one_check_per_item")]


class ListColumns(models.Model):
    """列设置: the columns one person keeps on one staff list (reviews.lists); no row means the list's defaults."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(_("列表"), max_length=30)
    columns = models.JSONField(_("显示的列"), default=list)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("列设置")
        constraints = [models.UniqueConstraint(fields=["user", "list_key"], name="one_column_choice_per_list")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.list_key}"
