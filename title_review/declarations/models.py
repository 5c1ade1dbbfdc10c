"""申报材料: one person's dossier for one round."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel

from .workflow import Action, Status

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
    # 申报编号 (the manuals' 材料编号): year, round and a sequence within the round, given when the declaration
    # is opened (services._open_draft), so staff and applicant can quote it from the first day.
    number = models.CharField(_("申报编号"), max_length=20, blank=True, default="", db_index=True)
    # The applicant's name, kept on the row so that lists sort by it through an index (not a join per row).
    applicant_name = models.CharField(_("申报人姓名"), max_length=50, blank=True, default="")
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
    # The review chain (reviews/): whose desk it is on, since when, and the route computed at 上报.
    current_org = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_declarations",
        verbose_name=_("当前审核机构"),
    )
    stage_since = models.DateTimeField(_("进入当前环节时间"), null=True, blank=True)
    chain = models.JSONField(_("审核路径"), default=list, blank=True)
    publicity = models.ForeignKey(
        "reviews.Publicity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("单位内部公示"),
    )
    employer_opinion = models.TextField(_("单位意见"), blank=True, default="")
    employer_opinion_at = models.DateTimeField(_("单位意见时间"), null=True, blank=True)
    forward_contact = models.JSONField(_("上报经办人"), default=dict, blank=True)
    # 补正: a one-time notice listing every defect, with a deadline (working days).
    correction_items = models.JSONField(_("补正事项"), default=list, blank=True)
    correction_deadline = models.DateField(_("补正截止日期"), null=True, blank=True)
    correction_reminded = models.BooleanField(_("已发送补正提醒"), default=False)
    correction_open = models.BooleanField(_("补正期限进行中"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("申报材料")
        constraints = [
            # One live declaration per person per round.
            models.UniqueConstraint(
                fields=["applicant", "round"], condition=~models.Q(status="withdrawn"), name="one_live_declaration"
            ),
            models.UniqueConstraint(
                fields=["round", "number"], condition=~models.Q(number=""), name="unique_declaration_number"
            ),
        ]
        # The list pattern (issue 12): each list filters its scope by organisation id and orders by an index
        # that starts with that scope, so a page stops after its rows whatever the number in scope.
        indexes = [
            models.Index(fields=["employer", "round", "status"], name="declaration_employer_round"),
            # 工作台's counts per desk and stage; 待审核材料's count filtered by 评审活动 or 单位名称 reads round and
            # employer from the index too (INCLUDE, PostgreSQL only): an index-only walk that stops at the cap,
            # instead of a bitmap of the desk's every row (ADR 0047).
            models.Index(
                fields=["current_org", "status", "stage_since"], include=["round", "employer"], name="declaration_desk"
            ),
            # 待审核材料: one desk, in the order things arrived.
            models.Index(
                fields=["current_org", "stage_since", "id"],
                condition=models.Q(status__in=["in_review", "qualification_check"]),
                name="declaration_at_desk",
            ),
            # 管理材料, 单位审核: one employer, per round, by name.
            models.Index(fields=["employer", "round", "applicant_name", "id"], name="declaration_employer_names"),
            # 公示表: one 单位内部公示's people by name, a page at a time (a unit of thousands publicises thousands).
            models.Index(fields=["publicity", "applicant_name", "id"], name="declaration_publicity_names"),
            # 上报材料跟踪, 被退回的材料: newest movement first, for one employer or across a subtree.
            models.Index(fields=["employer", "-stage_since", "-id"], name="declaration_employer_recent"),
            models.Index(fields=["-stage_since", "-id"], name="declaration_recent"),
            # On PostgreSQL, where NULLs sort first in DESC, migration 0006 adds both with stage_since DESC NULLS LAST
            # (drafts have none), the order of declarations.selectors.RECENT_FIRST; SQLite sorts NULLs last in DESC
            # already and has no NULLS LAST in CREATE INDEX.
            # Counts per status in a scope (上报材料跟踪, 单位审核): one status, the scope's employers, an index-only range.
            models.Index(fields=["status", "employer"], name="declaration_status_employer"),
            # 交换数据包: the latest 受理 of a round, one probe.
            models.Index(
                fields=["round", "-stage_since", "-id"],
                condition=models.Q(status="accepted"),
                name="declaration_accepted_recent",
            ),
            # 已受理名单, 交换数据包: per round, employer, name.
            models.Index(
                fields=["round", "employer", "applicant_name", "id"],
                condition=models.Q(status="accepted"),
                name="declaration_accepted",
            ),
            # The staff lists' exact 姓名 search (reviews.filters.search_declarations): the few rows of one name
            # first, then the scope, instead of walking the scope (ADR 0042).
            models.Index(fields=["applicant_name", "id"], name="declaration_applicant_name"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.round}"


class ReviewRecord(models.Model):
    """审核记录: one decision on a declaration — level, organisation, person, decision, reason, time."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="records", verbose_name=_("申报材料")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核机构"),
    )
    level = models.CharField(_("审核层级"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("经办人"), max_length=50)
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("意见或理由"), blank=True, default="")
    # The dossier sections a return names (基本信息, 学历学位, 附件, ...).
    sections = models.JSONField(_("需修改的栏目"), default=list, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("审核记录")
        indexes = [models.Index(fields=["declaration", "created_at"], name="review_record_timeline")]

    def __str__(self) -> str:
        return f"{self.level} {self.action_label}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action
