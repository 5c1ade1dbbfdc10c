"""Writes of system-wide settings (policy numbers, working-day overrides) and backups, audited."""

from datetime import date
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from title_review.access.policies import has_capability, require
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError
from title_review.core.models import PolicySetting
from title_review.core.number_patterns import parse_number_pattern
from title_review.core.policies import (
    BACKUP_KEEP_RANGE,
    CE_YEARS_RANGE,
    DEFAULTS,
    PASSWORD_KIND_KEYS,
    PASSWORD_MIN_KINDS,
    PASSWORD_MIN_LENGTH_RANGE,
    RETIREMENT_AGE_RANGE,
    forget_policy,
    get_policy,
)
from title_review.jobs.models import Job, JobStatus
from title_review.jobs.registry import JobOutput, Progress
from title_review.jobs.services import enqueue

from . import backups
from .models import WorkingDayOverride

_YES = {"true", "1", "yes", "on", "是"}
_NO = {"false", "0", "no", "off", "否"}


def _parse(key: str, raw: str) -> Any:
    default = DEFAULTS[key]
    raw = (raw or "").strip()
    if isinstance(default, bool):  # before int: a bool is an int
        if raw.lower() in _YES:
            return True
        if raw.lower() in _NO:
            return False
        raise DomainError("请选择“是”或“否”。")
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError as exc:
            raise DomainError("请填写整数。") from exc
        if value < (0 if key == "password.max_age_days" else 1):
            raise DomainError("数值须大于 0。")
        low, high = PASSWORD_MIN_LENGTH_RANGE
        if key == "password.min_length" and not low <= value <= high:
            raise DomainError(f"密码最小长度须在 {low} 到 {high} 位之间。")
        low, high = BACKUP_KEEP_RANGE
        if key == "backup.keep_count" and not low <= value <= high:
            raise DomainError(f"保留的备份份数须在 {low} 到 {high} 份之间。")
        low, high = CE_YEARS_RANGE
        if key == "eligibility.ce_years" and not low <= value <= high:
            raise DomainError(f"继续教育核查年数须在 {low} 到 {high} 年之间。")
        low, high = RETIREMENT_AGE_RANGE
        if key in {"eligibility.retirement_male", "eligibility.retirement_female"} and not low <= value <= high:
            raise DomainError(f"法定退休年龄须在 {low} 到 {high} 周岁之间。")
        return value
    if key == "eligibility.ce_professional_share":
        return _share(raw)
    if key == "organisation.code_pattern":
        if "{region}" not in raw or "{seq" not in raw:
            raise DomainError("机构代码规则须包含 {region} 和 {seq…},例如 {region}{seq:06d}。")
        try:
            raw.format(region="330000", seq=1)
        except (KeyError, ValueError, IndexError) as exc:
            raise DomainError("机构代码规则格式有误，例如 {region}{seq:06d}。") from exc
    if key == "certificate.number_pattern":
        return parse_number_pattern(raw).text
    if not raw:
        raise DomainError("请填写参数值。")
    return raw


def _share(raw: str) -> str:
    """A share written as a fraction (2/3) or a decimal (0.6): more than 0, at most 1; kept as a fraction."""
    try:
        value = Fraction(raw.replace("／", "/"))
    except (ValueError, ZeroDivisionError) as exc:
        raise DomainError("请填写分数或小数，例如 2/3 或 0.6。") from exc
    if not 0 < value <= 1:
        raise DomainError("专业科目占比须大于 0 且不超过 1。")
    return f"{value.numerator}/{value.denominator}"


def _check_password_kinds(key: str, value: Any) -> None:
    """等保 三级 wants complex passwords: at least PASSWORD_MIN_KINDS kinds of character stay required."""
    if key not in PASSWORD_KIND_KEYS or value:
        return
    stored = dict(PolicySetting.objects.filter(key__in=PASSWORD_KIND_KEYS).values_list("key", "value"))
    required = sum(1 for k in PASSWORD_KIND_KEYS if k != key and stored.get(k, DEFAULTS[k]))
    if required < PASSWORD_MIN_KINDS:
        raise DomainError(
            f"密码规则至少要保留 {PASSWORD_MIN_KINDS} 项字符要求（字母、数字、特殊字符、大小写字母），不能取消这一项。"
        )


@transaction.atomic
def set_policy(*, actor: Any, key: str, raw_value: str) -> Any:
    """Change one province-configurable policy number (province administrators only)."""
    require(actor, "policy.manage", message="参数由省级统一设置。")
    if key not in DEFAULTS:
        raise DomainError("没有这个参数。")
    value = _parse(key, raw_value)
    _check_password_kinds(key, value)
    before = get_policy(key)
    PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
    transaction.on_commit(lambda: forget_policy(key))
    record_event(actor=actor, action="policy.change", before={key: before}, after={key: value})
    return value


NOTE_MAX_LENGTH = WorkingDayOverride._meta.get_field("note").max_length or 100


def _override_state(override: WorkingDayOverride) -> dict[str, Any]:
    return {
        "date": override.date.isoformat(),
        "is_working_day": override.is_working_day,
        "note": override.note,
    }


@transaction.atomic
def set_working_day_override(*, actor: Any, day: date | None, is_working_day: bool, note: str) -> WorkingDayOverride:
    """Count `day` as a working day or a rest day whatever the national calendar says (province only).

    One row per date: setting a date again changes its row.
    """
    require(actor, "workday.manage", message="工作日由省级统一设置。")
    if not isinstance(day, date):
        raise DomainError("请填写日期。")
    if not isinstance(is_working_day, bool):
        raise DomainError("请选择工作日或休息日。")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(f"说明不能超过 {NOTE_MAX_LENGTH} 个字。")
    override = WorkingDayOverride.objects.select_for_update().filter(date=day).first()
    before = _override_state(override) if override else None
    if override is None:
        try:
            with transaction.atomic():
                override = WorkingDayOverride.objects.create(
                    date=day, is_working_day=is_working_day, note=note, created_by=actor
                )
        except IntegrityError as exc:
            raise Conflict("该日期刚被他人设置，请刷新页面后再试。") from exc
    else:
        override.is_working_day = is_working_day
        override.note = note
        override.save(update_fields=["is_working_day", "note", "updated_at"])
    record_event(actor=actor, action="workday.override", obj=override, before=before, after=_override_state(override))
    return override


@transaction.atomic
def remove_working_day_override(*, actor: Any, override_id: int) -> None:
    """Delete one override: the date follows the national calendar again (province only)."""
    require(actor, "workday.manage", message="工作日由省级统一设置。")
    override = WorkingDayOverride.objects.select_for_update().filter(pk=override_id).first()
    if override is None:
        raise DomainError("这条工作日调整不存在或已删除。")
    before = _override_state(override)
    record_event(actor=actor, action="workday.override_remove", obj=override, before=before)
    override.delete()


# --- 备份与恢复 ----------------------------------------------------------------------------------------------

BACKUP_JOB = "system.backup"
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# A constant key for PostgreSQL's advisory lock that lets one 立即备份 at a time decide whether to queue.
_BACKUP_LOCK = 0x7462_6B75  # "tbku"


def backup_keep_count() -> int:
    """How many archives a backup keeps (参数设置 → backup.keep_count)."""
    return int(get_policy("backup.keep_count"))


def backup_jobs() -> QuerySet[Job]:
    """The backup jobs, newest first, with who started each (the 备份与恢复 page; backup.manage only)."""
    return Job.objects.filter(kind=BACKUP_JOB).select_related("owner").order_by("-created_at", "-id")


@transaction.atomic
def start_backup(*, actor: Any) -> Job:
    """立即备份: queue one backup job (one at a time), audited in the same transaction."""
    require(actor, "backup.manage", message="只有省级系统管理员可以备份。")
    if connection.vendor == "postgresql":
        # Two administrators pressing at once: the second waits here and then sees the first one's job.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BACKUP_LOCK])
    # The job row first: on SQLite the write lock it takes serialises two starts the same way.
    job = enqueue(owner=actor, kind=BACKUP_JOB, title="系统备份")
    if backup_jobs().filter(status__in=ACTIVE).exclude(pk=job.pk).exists():
        raise Conflict("已有一个备份任务在排队或进行中，请等它完成后再备份。")
    record_event(actor=actor, action="backup.start", obj=job, after={"keep": backup_keep_count()})
    return job


def run_backup_job(job: Any, progress: Progress) -> JobOutput:
    """The `system.backup` job: one archive into the backup directory, then the oldest beyond the
    retention count removed. The result stays on the server (no file in 我的下载)."""
    if not has_capability(job.owner, "backup.manage"):
        raise DomainError("发起人已没有备份权限，备份未进行。")
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        # SQLite's online backup would wait for ever on the transaction this very connection holds.
        raise DomainError("备份须在数据库事务之外进行（由后台任务进程执行）。")
    progress(0, 1)
    keep = backup_keep_count()
    before = set(backups.archives())
    try:
        made = backups.make_backup(keep=keep)
    except backups.BackupError as exc:
        raise DomainError(str(exc)) from exc
    removed = len(before - set(backups.archives()))
    message = (
        f"备份完成：{made.archive.name}（{made.size / 1024 / 1024:.1f} MB；{made.tables} 张表 {made.rows} 行，"
        f"{made.files} 个文件）。保留最新 {keep} 份"
    )
    message += f"，已删除较早的备份 {removed} 份。" if removed else "。"
    return JobOutput(name="", message=message)
