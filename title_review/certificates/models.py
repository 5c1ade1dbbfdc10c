"""证书信息 (certificate records) and the codes of the system this one replaces (接收原系统数据).

A certificate is a record of a fact as it was issued: the qualification, series and level are kept as
code and name at the time of issue (later dictionary renames do not rewrite old certificates). People
are known by 证件类型 + 证件号码, so a person's existing titles are found whether or not they have an
account yet.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class CertificateSource(models.TextChoices):
    LEGACY = "legacy", _("原系统导入")
    ISSUED = "issued", _("本系统发证")


class Certificate(TimeStampedModel):
    # Where the record belongs in the tree (the holder's employer, else the office that recorded it):
    # who may see it follows from here (access.scope_filter on the organisation's path).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("所属机构"),
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=4)
    id_number = models.CharField(_("证件号码"), max_length=20)  # normalised; shown masked
    qualification_code = models.CharField(_("资格名称代码"), max_length=40)
    qualification_name = models.CharField(_("资格名称"), max_length=100)
    series_code = models.CharField(_("系列代码"), max_length=40, blank=True, default="")
    series_name = models.CharField(_("系列"), max_length=100, blank=True, default="")
    level_code = models.CharField(_("级别代码"), max_length=40, blank=True, default="")
    level_name = models.CharField(_("级别"), max_length=50, blank=True, default="")
    obtained_on = models.DateField(_("取得资格时间"))
    # Blank while an issued certificate waits for its number (待编号): numbering.number_certificates gives it
    # the 证书编号, the 发证单位 (issuing_body) and the batch's 发文字号 at once (ADR 0033).
    number = models.CharField(_("证书编号"), max_length=50, blank=True)
    issuing_body = models.CharField(_("发证机构"), max_length=100, blank=True)
    document_number = models.CharField(_("发文字号"), max_length=40, blank=True, default="")
    review_year = models.PositiveSmallIntegerField(_("评审年度"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=CertificateSource.choices, default=CertificateSource.LEGACY
    )
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    # 撤销 (issue 14 point 7): shown on 证书查验; the holder is written into the 诚信档案 at the same time.
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=500, blank=True, default="")
    revoke_basis = models.CharField(_("撤销依据"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-obtained_on", "-id"]
        verbose_name = _("证书")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "number"],
                condition=~models.Q(number=""),
                name="unique_certificate_number_per_issuer",
            ),
            # Numbers given here are unique whoever issued them (a pattern's parts name the issuer already).
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(source="issued") & ~models.Q(number=""),
                name="unique_issued_certificate_number",
            ),
        ]
        # The list pattern (issue 12): each list orders by an index that starts with its scope, so a page stops
        # after its rows whatever the number in scope (measured at 300,000: bench/certificates_scale.py).
        indexes = [
            models.Index(fields=["id_type", "id_number"], name="certificate_person"),
            models.Index(fields=["number"], name="certificate_number"),
            # 证书信息 of one organisation (本单位证书, a narrow office scope resolved to organisation ids): newest first.
            models.Index(fields=["organisation", "-obtained_on", "-id"], name="certificate_org_recent"),
            # 证书信息 of a wide scope (the province, a city): the newest first, the scope checked on the way.
            models.Index(fields=["-obtained_on", "-id"], name="certificate_recent"),
            # 证书编号: the 待编号 certificates by batch (the list, and the batches one probe each); the organisation
            # rides along (INCLUDE, PostgreSQL only) so that the scope is checked from the index.
            models.Index(
                fields=["document_number", "id"],
                include=["organisation"],
                condition=models.Q(source="issued", number=""),
                name="certificate_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.qualification_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class LegacyCodeKind(models.TextChoices):
    DEPARTMENT = "department", _("主管单位代码")
    EMPLOYER = "employer", _("单位代码")


class LegacyOrganisationCode(TimeStampedModel):
    """An organisation's code in the system this one replaces (原系统的主管单位代码 / 单位代码).

    The tree keeps its own codes (organisations.codes); the old codes are kept beside them so that old
    records, certificates and people's memories that name an old code still find the organisation.
    """

    kind = models.CharField(_("代码类别"), max_length=12, choices=LegacyCodeKind.choices)
    code = models.CharField(_("原系统代码"), max_length=40)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="legacy_codes",
        verbose_name=_("机构"),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("原系统机构代码")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="unique_legacy_code"),
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_legacy_code_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class CounterKind(models.TextChoices):
    DOCUMENT = "document", _("发文字号")
    CERTIFICATE = "certificate", _("证书编号")


class NumberCounter(models.Model):
    """The last number given in one sequence (ADR 0033): a 发文字号's 机关代字 and year, or a certificate
    number's sequence key (the pattern's parts but 序号) and 评审年度 (0 when the pattern has no year).

    Locked with SELECT … FOR UPDATE inside the numbering transaction: two offices numbering at once wait
    for each other, and a batch that rolls back takes its numbers back with it (no gaps)."""

    kind = models.CharField(_("类别"), max_length=12, choices=CounterKind.choices)
    key = models.CharField(_("编号键"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用到"), default=0)

    class Meta:
        ordering = ["kind", "key", "year"]
        verbose_name = _("编号计数器")
        constraints = [models.UniqueConstraint(fields=["kind", "key", "year"], name="unique_number_counter")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}:{self.year}:{self.last}"


class VerificationLookup(models.Model):
    """One look at a certificate on the public 证书查验 page (by the form or by the QR code).

    The holder sees who looked: the organisation when the viewer was signed in; anonymous looks only as
    counts by day. No address, no browser: nothing about an anonymous viewer is kept."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="lookups", verbose_name=_("证书")
    )
    looked_at = models.DateTimeField(_("查验时间"), auto_now_add=True)
    looked_on = models.DateField(_("查验日期"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("查验单位"),
    )
    signed_in = models.BooleanField(_("登录查验"), default=False)

    class Meta:
        ordering = ["-looked_at", "-id"]
        verbose_name = _("证书查验记录")
        indexes = [models.Index(fields=["certificate", "looked_on"], name="certificate_lookup_day")]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.looked_at:%Y-%m-%d %H:%M}"
