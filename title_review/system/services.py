"""Writes of system-wide settings (policy numbers), audited."""

from typing import Any

from django.db import transaction

from title_review.access.policies import require
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.models import PolicySetting
from title_review.core.policies import DEFAULTS, forget_policy, get_policy


def _parse(key: str, raw: str) -> Any:
    default = DEFAULTS[key]
    raw = (raw or "").strip()
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError as exc:
            raise DomainError("请填写整数。") from exc
        if value < (0 if key == "password.max_age_days" else 1):
            raise DomainError("数值须大于 0。")
        return value
    if key == "organisation.code_pattern":
        if "{region}" not in raw or "{seq" not in raw:
            raise DomainError("机构代码规则须包含 {region} 和 {seq…},例如 {region}{seq:06d}。")
        try:
            raw.format(region="330000", seq=1)
        except (KeyError, ValueError, IndexError) as exc:
            raise DomainError("机构代码规则格式有误，例如 {region}{seq:06d}。") from exc
    if not raw:
        raise DomainError("请填写参数值。")
    return raw


@transaction.atomic
def set_policy(*, actor: Any, key: str, raw_value: str) -> Any:
    """Change one province-configurable policy number (province administrators only)."""
    require(actor, "policy.manage", message="参数由省级统一设置。")
    if key not in DEFAULTS:
        raise DomainError("没有这个参数。")
    value = _parse(key, raw_value)
    before = get_policy(key)
    PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
    transaction.on_commit(lambda: forget_policy(key))
    record_event(actor=actor, action="policy.change", before={key: before}, after={key: value})
    return value
