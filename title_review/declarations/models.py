"""申报材料: one person's dossier for one round."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel

from .workflow import Status

# 真实性承诺: bump when the text in templates/declarations/pledge.html changes.
PLEDGE_VERSION = "2026-11"


class Declaration(TimeStampedModel):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("申报人")
    )
    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("评审活动")
    )
    employer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("申报单位")
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Optimistic lock: every save bumps it; a save carrying an older number is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    route = models.CharField(_("申报方式"), max_length=10, blank=True, default="")
    target_qualification = models.CharField(_("申报资格"), max_length=10, blank=True, default="")
    specialty = models.CharField(_("申报专业"), max_length=10, blank=True, default="")
    current_qualification = models.CharField(_("现有资格"), max_length=10, blank=True, default="")
    current_qualification_date = models.DateField(_("取得现有资格时间"), null=True, blank=True)
    # 破格: the 正高级 experts recommending the applicant (人社部发〔2019〕16号: two of the same or a close specialty).
    recommenders = models.JSONField(_("破格推荐专家"), default=list, blank=True)
    # Series-specific section (e.g. 中小学教师: 公开课, 拟评审类型, 学生满意度, 教育理论成绩).
    section_data = models.JSONField(_("专项栏目"), default=dict, blank=True)
    # Rows picked from the 业绩档案, by section: {"education": [ids], ...}.
    picks = models.JSONField(_("选取的业绩"), default=dict, blank=True)
    pledge_version = models.CharField(_("真实性承诺版本"), max_length=20)
    pledge_accepted_at = models.DateTimeField(_("承诺时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    snapshot = models.JSONField(_("提交时的材料"), null=True, blank=True)
    snapshot_hash = models.CharField(_("材料摘要（SHA-256）"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申报材料")
        constraints = [
            # One live declaration per person per round.
            models.UniqueConstraint(
                fields=["applicant", "round"], condition=~models.Q(status="withdrawn"), name="one_live_declaration"
            ),
        ]
        indexes = [models.Index(fields=["employer", "round", "status"], name="declaration_employer_round")]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.round}"
