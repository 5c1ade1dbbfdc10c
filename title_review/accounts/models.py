from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    PERSONAL = "personal", _("个人账号")
    ORGANISATION = "organisation", _("机构账号")
    # An employer's operator: fills colleagues' material, reports up, writes opinion slots (what was ticked).
    SUB_ACCOUNT = "sub_account", _("经办账号")
    INTEGRATION = "integration", _("接口账号")
    # 个人申报账号 (the Hangzhou manual's 工作账号): issued by a unit to one of its people, who signs in with it
    # and fills their own declaration under that unit. `person` is whom it files for.
    FILING = "filing", _("个人申报账号")


class FilingPermission(models.TextChoices):
    """The ticks a unit gives each 个人申报账号 (Hangzhou manual 2.1: the last two are recommended)."""

    DECLARE = "declare", _("填写申报材料")
    EDIT_PROFILE = "edit_profile", _("修改基本信息")
    CHANGE_PASSWORD = "change_password", _("修改密码")


class SubAccountPermission(models.TextChoices):
    """The ticks an employer gives each of its 工作账号 (Hangzhou manual, 工作账号管理)."""

    FILL = "fill", _("填写材料")
    SUBMIT = "submit", _("上报材料")
    PRINT = "print", _("打印")
    VIEW = "view", _("查看")
    EDIT_PROFILE = "edit_profile", _("修改本人信息")
    CHANGE_PASSWORD = "change_password", _("修改密码")
    # Internal opinion slots (reviews.OpinionSlot) an employer may require before forwarding.
    OPINION_DEPARTMENT = "opinion_department", _("院系考核意见")
    OPINION_ETHICS = "opinion_ethics", _("师德意见")
    OPINION_TEACHING = "opinion_teaching", _("教学意见")
    OPINION_PAPERS = "opinion_papers", _("论文审核意见")
    OPINION_IDEOLOGY = "opinion_ideology", _("思政意见")


class User(AbstractUser):
    """An account. Roles come from access.RoleGrant; `organisation` is where the account belongs."""

    real_name = models.CharField(_("姓名"), max_length=50, blank=True, default="")
    phone = models.CharField(_("手机号码"), max_length=20, blank=True, default="")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("所属机构"),
    )
    kind = models.CharField(_("账号类型"), max_length=20, choices=AccountKind.choices, default=AccountKind.ORGANISATION)
    id_type = models.CharField(_("证件类型"), max_length=4, blank=True, default="")
    # Normalised (upper-case X); shown masked except to roles that need it (core.identity).
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True, default="")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=2, blank=True, default="")
    # 基础信息 (个人端 manual): 民族 and 政治面貌 are codes of the "ethnicity" / "political_status" code tables.
    ethnicity = models.CharField(_("民族"), max_length=10, blank=True, default="")
    political_status = models.CharField(_("政治面貌"), max_length=10, blank=True, default="")
    administrative_post = models.CharField(_("行政职务"), max_length=50, blank=True, default="")
    current_post = models.CharField(_("现聘岗位"), max_length=50, blank=True, default="")
    work_started_on = models.DateField(_("参加工作时间"), null=True, blank=True)
    agreement_version = models.CharField(_("已同意的协议版本"), max_length=20, blank=True, default="")
    agreement_accepted_at = models.DateTimeField(_("同意协议时间"), null=True, blank=True)
    permissions = models.JSONField(_("工作账号权限"), default=list, blank=True)
    # 个人申报账号: the person it files for (a personal account, made for them if they have none).
    person = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filing_accounts",
        verbose_name=_("申报人"),
    )
    # 个人注册 naming a unit: waits for the unit's 审核 (开通 links the person to it).
    requested_unit = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("申请加入的单位"),
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("账号")
        constraints = [
            # One personal account per identity number, and per mobile number (both are login names).
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                condition=~models.Q(id_number=""),
                name="unique_identity_number",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(kind="personal") & ~models.Q(phone=""),
                name="unique_personal_phone",
            ),
        ]
        # Login, 单位工作人员 and imports look people up by the number alone (any 证件类型).
        indexes = [models.Index(fields=["id_number"], name="account_id_number")]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    def has_sub_permission(self, permission: str) -> bool:
        """Organisation and personal accounts hold every self-service permission; 经办账号 and 个人申报账号
        what their unit ticked."""
        ticked = self.kind in (AccountKind.SUB_ACCOUNT, AccountKind.FILING)
        return not ticked or permission in (self.permissions or [])

    @property
    def acts_for(self) -> "User | None":
        """The person whose declarations this account files: itself, or a 个人申报账号's person."""
        if self.kind == AccountKind.FILING:
            return self.person
        return self


class LoginAttempts(models.Model):
    """The failure counter behind login lockout (ADR 0019): one row per login name and client IP.

    An attempt reserves its place here *before* the password is checked, by a conditional UPDATE that
    the database applies one at a time, so however many attempts arrive at once no more than
    security.LOCKOUT_FAILURES passwords are checked in a window. The 登录日志 still records every attempt.
    """

    # sha256 of the login name and the IP: the count needs no identity number and no address in clear.
    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("登录失败计数")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.attempts}"
