"""业绩档案: the applicant's reusable record library, kept across years and picked from in declarations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from title_review.core.models import TimeStampedModel


class OwnedRecord(TimeStampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("本人")
    )

    class Meta:
        abstract = True


class Education(OwnedRecord):
    """学历学位."""

    school = models.CharField(_("毕业院校"), max_length=100)
    major = models.CharField(_("所学专业"), max_length=100)
    education = models.CharField(_("学历"), max_length=10)  # dictionary "education" code
    degree = models.CharField(_("学位"), max_length=10, blank=True, default="")  # dictionary "degree" code
    full_time = models.BooleanField(_("全日制"), default=True)
    enrolled_on = models.DateField(_("入学时间"))
    graduated_on = models.DateField(_("毕业时间"))

    class Meta:
        ordering = ["owner_id", "-graduated_on"]
        verbose_name = _("学历学位")

    def __str__(self) -> str:
        return f"{self.school} {self.major}"


class WorkHistory(OwnedRecord):
    """工作经历, with its 证明人."""

    employer_name = models.CharField(_("工作单位"), max_length=200)
    position = models.CharField(_("职务（岗位）"), max_length=100)
    started_on = models.DateField(_("开始时间"))
    ended_on = models.DateField(_("结束时间"), null=True, blank=True, help_text=_("至今则不填"))
    referee = models.CharField(_("证明人"), max_length=50)

    class Meta:
        ordering = ["owner_id", "-started_on"]
        verbose_name = _("工作经历")

    def __str__(self) -> str:
        return self.employer_name


class TrainingKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业科目")
    PUBLIC = "public", _("公需科目")


class Training(OwnedRecord):
    """继续教育 / 培训: hours per year, 专业 or 公需 (人社部令第25号: ≥90 学时/年, 专业 ≥ 2/3)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训项目"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True, default="")
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["owner_id", "-year", "id"]
        verbose_name = _("继续教育")

    def __str__(self) -> str:
        return self.title


class Appraisal(OwnedRecord):
    """年度考核."""

    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("考核结果"), max_length=10)  # dictionary "appraisal_result" code

    class Meta:
        ordering = ["owner_id", "-year"]
        verbose_name = _("年度考核")
        constraints = [models.UniqueConstraint(fields=["owner", "year"], name="unique_appraisal_year")]

    def __str__(self) -> str:
        return f"{self.year}"


class AchievementCategory(models.TextChoices):
    PAPER = "paper", _("论文")
    BOOK = "book", _("著作")
    PROJECT = "project", _("项目/课题")
    PATENT = "patent", _("专利")
    AWARD = "award", _("获奖")
    STANDARD = "standard", _("标准")
    OPEN_LESSON = "open_lesson", _("公开课")
    OTHER = "other", _("其他")


class LessonLevel(models.TextChoices):
    """公开课的级别 (教师评审系统: 录入公开课)."""

    SCHOOL = "school", _("校级")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class Achievement(OwnedRecord):
    """论文, 著作, 项目, 专利, 获奖, 标准, 公开课, other: common fields plus what each category adds."""

    category = models.CharField(_("类别"), max_length=20, choices=AchievementCategory.choices)
    title = models.CharField(_("名称（题目）"), max_length=300)
    date = models.DateField(_("时间"))
    # 论文: journal, indexing, author rank, 知网 link; 著作: publisher, ISBN; 专利: number; 获奖: level, rank ...
    venue = models.CharField(_("期刊/出版社/授予单位"), max_length=200, blank=True, default="")
    indexing = models.CharField(_("收录情况"), max_length=100, blank=True, default="")
    author_rank = models.PositiveSmallIntegerField(_("本人排名"), null=True, blank=True)
    identifier = models.CharField(_("刊号/ISBN/专利号/标准号"), max_length=100, blank=True, default="")
    link = models.URLField(_("知网等链接"), blank=True, default="")
    role = models.CharField(_("本人角色"), max_length=100, blank=True, default="")
    is_representative = models.BooleanField(_("代表作"), default=False)
    # 公开课 only: one row per lesson, with its 证明材料 (an attachment of kind "proof") required.
    lesson_level = models.CharField(_("公开课级别"), max_length=10, choices=LessonLevel.choices, blank=True, default="")

    class Meta:
        ordering = ["owner_id", "category", "-date"]
        verbose_name = _("业绩成果")
        indexes = [models.Index(fields=["owner", "category"], name="achievement_owner_category")]

    def __str__(self) -> str:
        return self.title
