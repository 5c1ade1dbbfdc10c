"""评后管理 (issue 14): a batch of results per committee meeting (or per 初定 / 认定 round), its 公示 with
real-name objections (异议), and its 确认 / 发文 (ADR 0038).

A batch belongs to the title office that published the round (`office`): who may manage it follows from
there. Each entry keeps the person's name, employer, series, title and level as they were when the result
was received, so the public list never joins an account or shows an identity number.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class BatchSource(models.TextChoices):
    MEETING = "meeting", _("评审会议")
    # 接收评审情况 of a committee outside the system, from an Excel file (imports.RESULTS).
    IMPORT = "import", _("导入")
    APPROVAL = "approval", _("初定 / 认定审批")


class BatchStatus(models.TextChoices):
    RECEIVED = "received", _("待公示")
    PUBLICISING = "publicising", _("公示中")
    CONFIRMED = "confirmed", _("已发文")


class ResultBatch(TimeStampedModel):
    office = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("职改办")
    )
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+", verbose_name=_("评审活动"))
    meeting = models.OneToOneField(
        "committees.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="result_batch",
        verbose_name=_("评审会议"),
    )
    # The committee's name as published (初定 / 认定: the approving office and the kind).
    committee_name = models.CharField(_("评委会"), max_length=200)
    source = models.CharField(_("来源"), max_length=10, choices=BatchSource.choices)
    status = models.CharField(_("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.RECEIVED)
    publicity_starts = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends = models.DateField(_("公示截止日期"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("公示工作日数"), null=True, blank=True)
    document_number = models.CharField(_("发文字号"), max_length=40, blank=True, default="")
    document_title = models.CharField(_("发文标题"), max_length=200, blank=True, default="")
    issuing_body = models.CharField(_("发证单位"), max_length=100, blank=True, default="")
    document = models.FileField(_("发文"), upload_to="results/documents/", blank=True, max_length=200)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收人")
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("评审结果批次")
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"], condition=~models.Q(document_number=""), name="unique_result_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee_name} {self.round_id}"


class Outcome(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    # 异议成立: the result is taken back (不予通过).
    DROPPED = "dropped", _("异议成立，不予通过")


class ResultEntry(models.Model):
    batch = models.ForeignKey(ResultBatch, on_delete=models.CASCADE, related_name="entries", verbose_name=_("批次"))
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+", verbose_name=_("申报材料")
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    employer_name = models.CharField(_("工作单位"), max_length=200)
    # The declaration's employer, kept on the row (a declaration's employer never changes) so that 本单位评审结果
    # filters its own indexed column by organisation id instead of joining declarations (the list pattern).
    employer = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # result_entry_employer starts with it
        verbose_name=_("申报单位"),
    )
    series_name = models.CharField(_("系列"), max_length=100, blank=True, default="")
    qualification_code = models.CharField(_("资格名称代码"), max_length=40, blank=True, default="")
    qualification_name = models.CharField(_("资格名称"), max_length=100, blank=True, default="")
    level_name = models.CharField(_("级别"), max_length=50, blank=True, default="")
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    certificate = models.OneToOneField(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("证书"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("评审结果")
        constraints = [models.UniqueConstraint(fields=["declaration"], name="one_result_per_declaration")]
        # The list pattern: each list of entries filters one batch and orders by an index that starts with it, so a
        # page (and a capped count) stops after its rows whatever the size of the batch.
        indexes = [
            # A batch's page (评后管理): all its entries in the order they were received; its counts per batch.
            models.Index(fields=["batch", "id"], name="result_entry_batch"),
            # 评审结果公示 (public): one batch's passed entries, a page at a time; the passed count per batch.
            models.Index(fields=["batch", "outcome", "id"], name="result_entry_batch_outcome"),
            # 本单位评审结果 and its export: one unit's people, newest batch first.
            models.Index(fields=["employer", "-batch", "id"], name="result_entry_employer"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_outcome_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # services._entry_for sets it; a row made another way takes it from its declaration.
        if self.employer_id is None and self.declaration_id is not None:
            from title_review.declarations.models import Declaration

            self.employer_id = (
                Declaration.objects.values_list("employer_id", flat=True).filter(pk=self.declaration_id).first()
            )
        super().save(*args, **kwargs)


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("成立")
    DISMISSED = "dismissed", _("不成立")


class ResultObjection(models.Model):
    """A real-name 异议 against one published result, sent from the public page during the 公示."""

    entry = models.ForeignKey(ResultEntry, on_delete=models.CASCADE, related_name="objections", verbose_name=_("结果"))
    name = models.CharField(_("异议人姓名"), max_length=50)
    mobile = models.CharField(_("联系电话"), max_length=20)
    content = models.TextField(_("异议内容"))
    evidence = models.FileField(_("证据材料"), upload_to="results/evidence/", blank=True, max_length=200)
    evidence_name = models.CharField(_("证据文件名"), max_length=200, blank=True, default="")
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    received_at = models.DateTimeField(_("提出时间"))
    outcome = models.CharField(_("处理结果"), max_length=10, choices=ObjectionOutcome.choices, blank=True, default="")
    explanation = models.TextField(_("处理说明"), blank=True, default="")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("异议")
        indexes = [
            # The objections still waiting (待处理异议): few at any time, found without reading a batch's entries.
            models.Index(fields=["entry"], condition=models.Q(outcome=""), name="result_objection_open"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.entry_id}"
