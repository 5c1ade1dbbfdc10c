"""The province-wide organisation tree, stored as a materialised path.

`path` is the parent's path plus a fixed-width base-36 step, so a subtree is one indexed
`path LIKE 'prefix%'` query and ordering by path gives the tree in display order.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel

PATH_STEP = 4  # base-36 characters per level: 1,679,616 children under one node
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class OrganisationKind(models.TextChoices):
    TITLE_OFFICE = "title_office", _("职改办")
    DEPARTMENT = "department", _("主管部门")
    EMPLOYER = "employer", _("用人单位")
    AGENCY = "agency", _("人事代理机构")


class OfficeLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


# What may be created under what (domain-model.md §2): each level creates the level below.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    OrganisationKind.TITLE_OFFICE: (
        OrganisationKind.TITLE_OFFICE,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.EMPLOYER,
        OrganisationKind.AGENCY,
    ),
    OrganisationKind.DEPARTMENT: (
        OrganisationKind.DEPARTMENT,
        OrganisationKind.EMPLOYER,
        OrganisationKind.AGENCY,
    ),
    OrganisationKind.EMPLOYER: (),
    # 人才服务局 takes private employers that register under it (Hangzhou manual).
    OrganisationKind.AGENCY: (OrganisationKind.EMPLOYER,),
}
# Where an employer may register itself: its 归口部门 (or, for private employers, the registration place
# or a talent-service agency).
REGISTRATION_PARENT_KINDS = (OrganisationKind.TITLE_OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY)
CHILD_OFFICE_LEVEL = {OfficeLevel.PROVINCE: OfficeLevel.CITY, OfficeLevel.CITY: OfficeLevel.COUNTY}


def encode_step(number: int) -> str:
    digits = []
    for _i in range(PATH_STEP):
        number, remainder = divmod(number, 36)
        digits.append(PATH_ALPHABET[remainder])
    if number:
        raise ValueError("too many children under one organisation")
    return "".join(reversed(digits))


class Organisation(TimeStampedModel):
    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    code = models.CharField(_("机构代码"), max_length=40, unique=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=OrganisationKind.choices)
    office_level = models.CharField(_("职改办级别"), max_length=10, choices=OfficeLevel.choices, blank=True, default="")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级机构")
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    child_counter = models.PositiveIntegerField(default=0, editable=False)
    region = models.ForeignKey(
        "dictionaries.Entry",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在地（行政区划）"),
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="", db_index=True)
    # GB 11714 组织机构代码 (9 characters, stored without the hyphen): given by a unit without a credit code,
    # and taken from characters 9-17 of a credit code, so either finds the unit.
    organisation_code = models.CharField(_("组织机构代码"), max_length=9, blank=True, default="", db_index=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True, default="")
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, default="")
    address = models.CharField(_("地址"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("机构")
        indexes = [models.Index(fields=["kind", "path"], name="org_kind_path")]
        constraints = [
            # One credit code registers once per 归口部门 (and may again under another).
            models.UniqueConstraint(
                fields=["parent", "credit_code"],
                condition=~models.Q(credit_code=""),
                name="unique_credit_code_per_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_code_display(self) -> str:
        """组织机构代码 as its certificate prints it: 12345678-8."""
        from .codes import display_organisation_code

        return display_organisation_code(self.organisation_code)

    @property
    def kind_label(self) -> str:
        label = self.get_kind_display()
        if self.kind == OrganisationKind.TITLE_OFFICE and self.office_level:
            return f"{self.get_office_level_display()}{label}"
        return str(label)


class CodeSequence(models.Model):
    """The last sequence number used for organisation codes under one prefix (region code)."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class EmployerProfile(TimeStampedModel):
    """What an employer registers beyond the tree node (单位帐户注册)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="employer_profile", verbose_name=_("单位")
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    nature = models.ForeignKey(
        "dictionaries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位性质")
    )
    industry = models.ForeignKey(
        "dictionaries.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位行业")
    )
    licence_type = models.CharField(_("证照类型"), max_length=50)
    licence_file = models.FileField(_("营业执照（证书）扫描件"), upload_to="employers/licences/")
    seal_file = models.FileField(_("单位签章原图"), upload_to="employers/seals/", blank=True)
    seal_stamp = models.FileField(_("电子签章图片"), upload_to="employers/stamps/", blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True, default="")
    credit_code_warning = models.CharField(_("信用代码提示"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["organisation_id"]
        verbose_name = _("单位注册信息")

    def __str__(self) -> str:
        return str(self.organisation)


class EmployerStaff(TimeStampedModel):
    """单位工作人员: a personal account linked to an employer (also how the employer recovers its password)."""

    employer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff", verbose_name=_("单位"))
    person = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="employments", verbose_name=_("工作人员")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["employer_id", "id"]
        verbose_name = _("单位工作人员")
        constraints = [models.UniqueConstraint(fields=["employer", "person"], name="unique_employer_staff")]

    def __str__(self) -> str:
        return f"{self.employer_id}:{self.person_id}"


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPLIED = "applied", _("已生效")
    REFUSED = "refused", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class OrganisationNameChange(TimeStampedModel):
    """更名记录: one rename of a unit, applied at once or, when the province so sets, after its 归口部门
    approved it. Applied rows keep former names searchable (selectors.name_matches)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="name_changes", verbose_name=_("单位")
    )
    old_name = models.CharField(_("原名称"), max_length=200)
    new_name = models.CharField(_("新名称"), max_length=200)
    reason = models.CharField(_("更名原因"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=10, choices=NameChangeStatus.choices, default=NameChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("退回理由"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        # Removal of a unit is refused with "有更名记录" (core.records.referring_records reads this name).
        verbose_name = _("更名")
        constraints = [
            # One open request per unit: a second one is refused until the first is decided or withdrawn.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_name_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"


class MembershipSource(models.TextChoices):
    REQUEST = "request", _("本人申请，单位审核")
    STAFF = "staff", _("单位添加工作人员")
    FILING = "filing", _("单位个人申报账号")


class UnitMembership(models.Model):
    """所属单位历史 (个人端: 维护所属单位, 查看维护单位历史): which unit a person belonged to, from when to when,
    and who approved the link. Written by every way a person is linked to a unit; never edited afterwards
    except to close it (ended_on)."""

    person = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="unit_history", verbose_name=_("本人")
    )
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    source = models.CharField(_("方式"), max_length=10, choices=MembershipSource.choices)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    approved_by_name = models.CharField(_("审核人姓名"), max_length=50, blank=True, default="")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["person_id", "-started_on", "-id"]
        verbose_name = _("所属单位历史")
        indexes = [models.Index(fields=["person", "unit"], name="membership_person_unit")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.unit_id}"


class LinkRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class UnitLinkRequest(TimeStampedModel):
    """申请加入单位: the person's request and the unit's answer (a refusal with its reason)."""

    person = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="unit_link_requests", verbose_name=_("申请人")
    )
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    status = models.CharField(
        _("状态"), max_length=10, choices=LinkRequestStatus.choices, default=LinkRequestStatus.PENDING
    )
    reason = models.CharField(_("未同意理由"), max_length=200, blank=True, default="")
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["person_id", "-created_at", "-id"]
        verbose_name = _("申请加入单位")

    def __str__(self) -> str:
        return f"{self.person_id}→{self.unit_id}"
