"""Writes of system-wide settings (policy numbers, working-day overrides), audited."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError
from title_review.core.models import PolicySetting
from title_review.core.number_patterns import parse_number_pattern
from title_review.core.policies import (
    DEFAULTS,
    PASSWORD_KIND_KEYS,
    PASSWORD_MIN_KINDS,
    PASSWORD_MIN_LENGTH_RANGE,
    forget_policy,
    get_policy,
)

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
        return value
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
