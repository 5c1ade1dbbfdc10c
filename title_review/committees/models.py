"""评委会评审: the meeting of a round's committee and its secret ballots (ADR 0030).

A ballot (表决) on one declaration keeps two things and never the link between them: which members may
vote and whether each has voted (`BallotVoter`), and how many voted each way (the counters on `Ballot`).
No row, column or timestamp says how a member voted.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class MeetingStatus(models.TextChoices):
    PREPARING = "preparing", _("未开始")
    IN_SESSION = "in_session", _("进行中")
    CLOSED = "closed", _("已结束")


class Meeting(TimeStampedModel):
    """评审会议: one sitting of a committee for a round."""

    round = models.ForeignKey(
        "rounds.Round", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("评审活动")
    )
    committee = models.ForeignKey(
        "rounds.Committee", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("评委会")
    )
    title = models.CharField(_("会议名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PREPARING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("评审会议")

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """A member of the committee at this meeting (评委), and whether they signed in as present (签到)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members", verbose_name=_("评审会议"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_seats", verbose_name=_("评委")
    )
    is_present = models.BooleanField(_("已签到"), default=False)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("会议评委")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="unique_meeting_member")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"


class BallotStatus(models.TextChoices):
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class BallotOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")


class Choice(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class Ballot(models.Model):
    """表决: the secret vote of the present members on one declaration (a re-vote is a new ballot)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("评审会议"))
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="ballots", verbose_name=_("申报材料")
    )
    attempt = models.PositiveSmallIntegerField(_("第几次表决"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=BallotStatus.choices, default=BallotStatus.OPEN)
    # At opening: the committee's size and who was present (the quorum and the pass mark are counted on these).
    members_count = models.PositiveSmallIntegerField(_("应到评委"))
    present_count = models.PositiveSmallIntegerField(_("实到评委"))
    # The tally: only totals. Shown once the ballot is closed.
    approve = models.PositiveSmallIntegerField(_("同意"), default=0)
    reject = models.PositiveSmallIntegerField(_("不同意"), default=0)
    abstain = models.PositiveSmallIntegerField(_("弃权"), default=0)
    outcome = models.CharField(_("表决结果"), max_length=10, choices=BallotOutcome.choices, blank=True, default="")
    opened_at = models.DateTimeField(_("开始时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("开始投票人")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结束投票人"),
    )

    class Meta:
        ordering = ["meeting_id", "declaration_id", "attempt"]
        verbose_name = _("表决")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "declaration", "attempt"], name="unique_ballot_attempt"),
            # One ballot at a time per declaration.
            models.UniqueConstraint(
                fields=["meeting", "declaration"], condition=Q(status="open"), name="one_open_ballot_per_declaration"
            ),
            models.CheckConstraint(
                condition=Q(present_count__lte=F("members_count")), name="ballot_present_within_members"
            ),
            models.CheckConstraint(
                condition=Q(approve__lte=F("present_count") - F("reject") - F("abstain")),
                name="ballot_tally_within_present",
            ),
        ]

    def __str__(self) -> str:
        return f"表决 {self.pk}"

    @property
    def votes_cast(self) -> int:
        return self.approve + self.reject + self.abstain


class BallotVoter(models.Model):
    """A present member's right to vote on a ballot, and whether they have used it. Never how."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voters", verbose_name=_("表决"))
    member = models.ForeignKey(MeetingMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("评委"))
    has_voted = models.BooleanField(_("已投票"), default=False)

    class Meta:
        # By member, never by the order of voting (there is no column that keeps it).
        ordering = ["ballot_id", "member_id"]
        verbose_name = _("表决评委")
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="unique_ballot_voter")]
        # 我的评审会议: the open ballots still waiting for one member's vote, without reading every ballot the
        # member voted on (a meeting of tens of thousands of declarations gives each member as many rows).
        indexes = [models.Index(fields=["member"], condition=Q(has_voted=False), name="ballot_voter_waiting")]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.member_id}"


# ---- 专家库 and the draw ----------------------------------------------------------------------------


class ExpertStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("在库")
    REMOVED = "removed", _("已出库")


class Expert(TimeStampedModel):
    """评审专家: an entry of the expert pool (专家库), approved by the title office, for one 届 (≤ 3 years)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert", verbose_name=_("专家账号")
    )
    employer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="experts", verbose_name=_("工作单位")
    )
    series = models.ForeignKey(
        "dictionaries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("评审系列")
    )
    specialty = models.CharField(_("专业代码"), max_length=40, blank=True, default="")
    title_name = models.CharField(_("专业技术职务"), max_length=100)
    level = models.CharField(_("级别代码"), max_length=40)
    term_starts = models.DateField(_("聘期开始"))
    term_ends = models.DateField(_("聘期结束"))
    status = models.CharField(_("状态"), max_length=10, choices=ExpertStatus.choices, default=ExpertStatus.PENDING)
    # 诚信: a flagged expert is never drawn.
    integrity_flag = models.BooleanField(_("诚信记录"), default=False)
    nominated_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("推荐单位"),
    )
    removal_reason = models.CharField(_("出库原因"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("评审专家")
        indexes = [models.Index(fields=["series", "status"], name="expert_pool")]

    def __str__(self) -> str:
        return str(self.user)


class Draw(models.Model):
    """抽取评委: one random draw of a round's committee from the pool, reproducible from its seed."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="draw", verbose_name=_("评审会议"))
    seed = models.CharField(_("随机种子"), max_length=64)
    size = models.PositiveSmallIntegerField(_("评委人数"))
    alternates = models.PositiveSmallIntegerField(_("候补人数"))
    outside_needed = models.PositiveSmallIntegerField(_("外地专家至少"))
    # The pool as it stood (expert ids, in id order) and which of them were from outside the region: with the
    # seed they give the same draw again (services.draws.replay).
    candidate_ids = models.JSONField(_("符合条件的专家"), default=list)
    outside_ids = models.JSONField(_("其中外地专家"), default=list)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("抽取人")
    )

    class Meta:
        verbose_name = _("评委抽取")

    def __str__(self) -> str:
        return f"抽取 {self.pk}"


class SeatRole(models.TextChoices):
    MEMBER = "member", _("评委")
    ALTERNATE = "alternate", _("候补")
    RECUSED = "recused", _("已回避")


class DrawnExpert(models.Model):
    """One expert drawn, in the order drawn: a member, an alternate (called up in order), or recused."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="drawn", verbose_name=_("评委抽取"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("专家"))
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    role = models.CharField(_("身份"), max_length=10, choices=SeatRole.choices)
    outside = models.BooleanField(_("外地专家"), default=False)

    class Meta:
        ordering = ["draw_id", "position"]
        verbose_name = _("抽取结果")
        constraints = [
            models.UniqueConstraint(fields=["draw", "expert"], name="unique_drawn_expert"),
            models.UniqueConstraint(fields=["draw", "position"], name="unique_draw_position"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.position}"


class Recusal(models.Model):
    """回避: an expert kept off a round's committee, automatically (with the rule) or by the secretary."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("评委抽取"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("专家"))
    automatic = models.BooleanField(_("自动回避"), default=False)
    reason = models.CharField(_("回避原因"), max_length=200)
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["draw_id", "pk"]
        verbose_name = _("回避记录")

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.expert_id}"


# ---- 评议组 and 书面评议意见 ---------------------------------------------------------------------------


class MeetingPanel(models.Model):
    """评议组: some of the meeting's members, reviewing the declarations of one discipline before the vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="panels", verbose_name=_("评审会议"))
    name = models.CharField(_("评议组名称"), max_length=100)
    asks_scores = models.BooleanField(_("须评分"), default=False)
    # 书面评议意见 due by this day (optional); the daily job reminds members with opinions missing once, before it.
    due_on = models.DateField(_("评议截止日期"), null=True, blank=True)
    deadline_reminded = models.BooleanField(_("已发送截止提醒"), default=False)

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("评议组")
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="unique_meeting_panel_name")]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    panel = models.ForeignKey(MeetingPanel, on_delete=models.CASCADE, related_name="members", verbose_name=_("评议组"))
    member = models.ForeignKey(MeetingMember, on_delete=models.CASCADE, related_name="panels", verbose_name=_("评委"))

    class Meta:
        ordering = ["panel_id", "member_id"]
        verbose_name = _("评议组成员")
        constraints = [models.UniqueConstraint(fields=["panel", "member"], name="unique_panel_member")]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.member_id}"


class PanelDeclaration(models.Model):
    """A declaration given to a panel (each accepted declaration to one panel of the meeting)."""

    panel = models.ForeignKey(
        MeetingPanel, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("评议组")
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+", verbose_name=_("评审会议"))
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+", verbose_name=_("申报材料")
    )

    class Meta:
        ordering = ["panel_id", "pk"]
        verbose_name = _("评议分配")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "declaration"], name="one_panel_per_declaration"),
        ]
        # 我的评审会议: a member's panels' declarations a page at a time, by panel and in the order given.
        indexes = [models.Index(fields=["panel", "id"], name="panel_declaration_order")]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.declaration_id}"


class PanelOpinion(models.Model):
    """书面评议意见: one panel member's written opinion (and score, where the panel asks) on one declaration."""

    assignment = models.ForeignKey(
        PanelDeclaration, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("评议分配")
    )
    member = models.ForeignKey(MeetingMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("评委"))
    opinion = models.TextField(_("评议意见"))
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    written_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["assignment_id", "member_id"]
        verbose_name = _("书面评议意见")
        constraints = [models.UniqueConstraint(fields=["assignment", "member"], name="one_opinion_per_member")]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.member_id}"


# ---- 代表作 anonymous review ----------------------------------------------------------------------------


class BlindWork(models.Model):
    """A 代表作 sent out for double-blind review: reviewers know it by its code, never by its author."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="blind_works", verbose_name=_("评审会议")
    )
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="+", verbose_name=_("申报材料")
    )
    code = models.CharField(_("送审编号"), max_length=20, unique=True)
    # What the reviewer reads, copied from the accepted snapshot without the applicant's name or unit.
    work = models.JSONField(_("代表作"), default=dict)
    due_on = models.DateField(_("评审截止日期"))

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("代表作送审")

    def __str__(self) -> str:
        return self.code


class BlindGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class BlindReview(models.Model):
    """代表作评审意见表: one reviewer's grade and comment on one work."""

    work = models.ForeignKey(BlindWork, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("代表作"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审专家")
    )
    due_on = models.DateField(_("截止日期"))
    grade = models.CharField(_("评审等级"), max_length=10, choices=BlindGrade.choices, blank=True, default="")
    comment = models.TextField(_("评审意见"), blank=True, default="")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    replaced = models.BooleanField(_("已更换"), default=False)
    # The daily job's reminder before the deadline, sent once (committees.scheduled).
    reminded = models.BooleanField(_("已发送截止提醒"), default=False)

    class Meta:
        ordering = ["work_id", "pk"]
        verbose_name = _("代表作评审意见")
        constraints = [models.UniqueConstraint(fields=["work", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.work_id}:{self.pk}"


class MeetingRecord(models.Model):
    """会议记录: the PDF the secretary signs once the meeting is over, sealed by its SHA-256 and kept."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="record", verbose_name=_("评审会议"))
    file = models.FileField(_("会议记录"), upload_to="meeting_records/%Y/")
    sha256 = models.CharField(_("摘要（SHA-256）"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签署人")
    )
    signed_at = models.DateTimeField(_("签署时间"))

    class Meta:
        verbose_name = _("会议记录")

    def __str__(self) -> str:
        return f"会议记录 {self.meeting_id}"


class DeclaredRelation(models.Model):
    """申报的回避关系: an expert and an applicant who declared a relation (亲属, 师生, 合作者…); the expert stands aside
    from that applicant's review (draws, panels and 代表作 送审 read it through committees.recusals)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations", verbose_name=_("专家"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("申报人")
    )
    relation = models.CharField(_("关系"), max_length=50)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    declared_at = models.DateTimeField(_("申报时间"))

    class Meta:
        ordering = ["expert_id", "pk"]
        verbose_name = _("回避关系")
        constraints = [models.UniqueConstraint(fields=["expert", "applicant"], name="unique_declared_relation")]

    def __str__(self) -> str:
        return f"{self.expert_id}:{self.applicant_id}"
