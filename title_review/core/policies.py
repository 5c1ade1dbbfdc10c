"""Policy numbers that differ by province: national defaults here, overrides in PolicySetting."""

import contextlib
from typing import Any

from .models import PolicySetting

DEFAULTS: dict[str, Any] = {
    # 机构代码: 6-digit 行政区划码 + sequence (the Jiangxi 12-digit pattern).
    "organisation.code_pattern": "{region}{seq:06d}",
    # 等保 三级 password rule, as the seed manuals ask ("由字母、数字和特殊字符组合，长度不少于8位"):
    # the length, and which kinds of character a password must contain (accounts.passwords enforces it).
    "password.min_length": 8,
    "password.require_letter": True,
    "password.require_digit": True,
    "password.require_symbol": True,
    "password.require_mixed_case": False,
    # 0 = passwords do not expire; a number of days forces a change once the password is that old.
    "password.max_age_days": 0,
    "audit.retention_days": 183,
    # 单位内部公示: at least 5 working days (domain-model.md §5).
    "publicity.working_days": 5,
    # 评审结果公示 (results/): at least 5 working days on the calendar (人社部令第40号, domain.md §1.1).
    "result.publicity_working_days": 5,
    # 补正: default deadline in working days, and the reminder sent this many working days before it.
    "correction.working_days": 10,
    "correction.reminder_working_days": 2,
    # 我的下载: days an export or batch file is kept before it is deleted.
    "downloads.keep_days": 7,
    # 诚信档案: years a fraud record bars declaring (domain-model.md §5: no declaring for 3 years).
    "integrity.ban_years": 3,
    # 单位更名: False = a unit's new name takes effect at once; True = its 归口部门 approves it first.
    "employer.rename_needs_approval": False,
    # 评审会议: how many times a declaration that failed a ballot may be voted on again (0 = never).
    "committee.revotes": 0,
    # 抽取评委 (domain.md §1.2): minimum members, alternates drawn with them (2 = twice the seats), outside share.
    "committee.min_members_series": 25,
    "committee.min_members_specialty": 11,
    "committee.draw_ratio": 2,
    "committee.outside_share_percent": 10,
    # 评议意见 and 代表作评审: experts with work still due are reminded (站内信 + SMS) this many days before it.
    "committee.reminder_days": 2,
    # 证书编号规则 (domain.md §4, ADR 0033; core.number_patterns): 地区 + 评审年度 + 系列 + 级别 + 评委会 + 序号.
    "certificate.number_pattern": "{region}{year}{series}{level}{committee}{seq:04d}",
    # 备份与恢复: how many archives `manage.py backup` and the 立即备份 job keep (older ones are deleted).
    "backup.keep_count": 7,
    # 资格预审 (eligibility.policy, ADR 0040): 继续教育 (人社部令第25号: ≥ 90 学时 a year, 专业科目 ≥ 2/3, over
    # the last 3 full years), and the 法定退休年龄 judged on the round's 申报截止日 (with the 2025 gradual
    # reform switched on by the province).
    "eligibility.ce_hours": 90,
    "eligibility.ce_professional_share": "2/3",
    "eligibility.ce_years": 3,
    "eligibility.retirement_male": 60,
    "eligibility.retirement_female": 55,
    "eligibility.gradual_retirement_reform": False,
}


LABELS: dict[str, str] = {
    "organisation.code_pattern": "机构代码规则（{region}=6位行政区划码，{seq:06d}=6位顺序号）",
    "password.min_length": "密码最小长度（8 到 64 位）",
    "password.require_letter": "密码须包含字母",
    "password.require_digit": "密码须包含数字",
    "password.require_symbol": "密码须包含特殊字符（如 @#%）",
    "password.require_mixed_case": "密码须同时包含大写字母和小写字母",
    "password.max_age_days": "密码有效天数（0 表示不过期）",
    "audit.retention_days": "审计日志至少保留天数",
    "publicity.working_days": "单位内部公示工作日数（不少于 5）",
    "result.publicity_working_days": "评审结果公示工作日数（不少于 5）",
    "correction.working_days": "补正期限默认工作日数",
    "correction.reminder_working_days": "补正截止前提醒的工作日数",
    "downloads.keep_days": "我的下载中的文件保存天数",
    "integrity.ban_years": "诚信档案禁止申报年限（新增诚信记录时的默认期限，年）",
    "employer.rename_needs_approval": "单位更名须经归口部门审核（是 / 否）",
    "committee.revotes": "表决未通过时可重新表决的次数（0 表示不重新表决）",
    "committee.min_members_series": "按系列组建的评委会评委最少人数",
    "committee.min_members_specialty": "按专业组建的评委会评委最少人数",
    "committee.draw_ratio": "评委抽取比例（2 表示按 1:2 抽取，多抽的为候补）",
    "committee.outside_share_percent": "外地评审专家最低比例（%）",
    "committee.reminder_days": "评议意见和代表作评审截止前提醒专家的天数",
    "certificate.number_pattern": (
        "证书编号规则（{region}=地区代码，{year}=评审年度，{series}=系列代码，{level}=级别代码，"
        "{committee}=评委会代码，{seq:04d}=4位序号）"
    ),
    "backup.keep_count": "保留的备份份数（1 到 100，更早的备份自动删除）",
    "eligibility.ce_hours": "继续教育每年最少学时（资格预审）",
    "eligibility.ce_professional_share": "继续教育专业科目最低占比（分数，如 2/3）",
    "eligibility.ce_years": "继续教育核查年数（评审年度之前的完整年度，1 到 10）",
    "eligibility.retirement_male": "法定退休年龄（男，周岁，40 到 70）",
    "eligibility.retirement_female": "法定退休年龄（女，周岁，40 到 70）",
    "eligibility.gradual_retirement_reform": "按渐进式延迟法定退休年龄计算（是 / 否）",
}


# The password rule's bounds, kept by the 参数设置 service (system.services): the length an administrator may
# set, and the character kinds of which at least PASSWORD_MIN_KINDS must stay required (等保 三级: 口令有复杂度).
PASSWORD_MIN_LENGTH_RANGE = (8, 64)
PASSWORD_KIND_KEYS = (
    "password.require_letter",
    "password.require_digit",
    "password.require_symbol",
    "password.require_mixed_case",
)
PASSWORD_MIN_KINDS = 2
# How many backups an administrator may keep: at least one, and not so many that the disk fills unnoticed.
BACKUP_KEEP_RANGE = (1, 100)
# 资格预审: the years of 继续教育 checked, and the retirement ages an administrator may set.
CE_YEARS_RANGE = (1, 10)
RETIREMENT_AGE_RANGE = (40, 70)


CACHE_SECONDS = 60  # every app server sees a change within a minute


def _cache_key(key: str) -> str:
    return f"policy:{key}"


def get_policy(key: str) -> Any:
    from django.core.cache import cache

    from .cachesafe import CACHE_ERRORS

    try:
        cached = cache.get(_cache_key(key))
    except CACHE_ERRORS:  # the cache is down: the database has the value (ADR 0034)
        cached = None
    if cached is not None:
        return cached
    row = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    value = DEFAULTS[key] if row is None else row
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(_cache_key(key), value, CACHE_SECONDS)
    return value


def get_policies(keys: list[str]) -> dict[str, Any]:
    """Several policies at once: one cache read, and one query for those not cached."""
    from django.core.cache import cache

    from .cachesafe import CACHE_ERRORS

    try:
        found = cache.get_many([_cache_key(key) for key in keys])
    except CACHE_ERRORS:
        found = {}
    values = {key: found[_cache_key(key)] for key in keys if _cache_key(key) in found}
    missing = [key for key in keys if key not in values]
    if missing:
        stored = dict(PolicySetting.objects.filter(key__in=missing).values_list("key", "value"))
        loaded = {key: stored.get(key, DEFAULTS[key]) for key in missing}
        values.update(loaded)
        with contextlib.suppress(*CACHE_ERRORS):
            cache.set_many({_cache_key(key): value for key, value in loaded.items()}, CACHE_SECONDS)
    return values


def forget_policy(key: str) -> None:
    from django.core.cache import cache

    from .cachesafe import CACHE_ERRORS

    with contextlib.suppress(*CACHE_ERRORS):  # nothing cached can be read while the cache is down
        cache.delete(_cache_key(key))
