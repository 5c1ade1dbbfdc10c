"""申报条件 in words, from the rule tables and the policy numbers: what the 申报条件 page shows (no database)."""

from dataclasses import dataclass

from .policy import DEFAULT_POLICY, Policy
from .rules import (
    LEVEL_NAMES,
    RULES,
    SERIES_DOCUMENTS,
    SERIES_NAMES,
    TIER_NAMES,
    Alternative,
    EligibilityRule,
    Since,
    Tier,
    qualification_name,
)

ROUTE_NAMES = {"01": "正常申报", "02": "破格申报"}


@dataclass(frozen=True)
class Row:
    qualification: str
    route: str
    conditions: tuple[str, ...]  # one line per alternative (any one suffices)
    manual: str  # why people decide (no alternatives)
    note: str
    source: str


@dataclass(frozen=True)
class SeriesTable:
    code: str
    name: str
    document: str
    rows: tuple[Row, ...]


def alternative_text(rule: EligibilityRule, alt: Alternative) -> str:
    schooling = "学历不限" if alt.education is Tier.NONE else f"{TIER_NAMES[alt.education]}及以上学历（学位）"
    lower = qualification_name(rule.series_code, alt.lower_level) if alt.lower_level else ""
    if alt.years == 0:
        years = f"，已取得{lower}资格，无资历年限要求" if lower else "，无资历年限要求"
    elif alt.since is Since.GRADUATION:
        years = f"，毕业后从事本专业工作满 {alt.years} 年"
    else:
        years = f"，取得{lower}资格后满 {alt.years} 年"
    extra = f"（{alt.manual}，符合时由审核部门人工审核）" if alt.manual else ""
    return schooling + years + extra


def series_tables() -> list[SeriesTable]:
    """The tables in the order of SERIES_NAMES, rows from the highest level down."""
    tables = []
    for code, name in SERIES_NAMES.items():
        rules = sorted((r for r in RULES if r.series_code == code), key=lambda r: (r.target_level, r.route))
        rows = tuple(
            Row(
                qualification=f"{qualification_name(code, r.target_level)}（{LEVEL_NAMES[r.target_level]}）",
                route=ROUTE_NAMES.get(r.route, r.route),
                conditions=tuple(alternative_text(r, a) for a in r.alternatives)
                + ((f"须 {r.recommenders} 名正高级专家推荐",) if r.recommenders else ()),
                manual=r.manual,
                note=r.note,
                source=r.source,
            )
            for r in rules
        )
        tables.append(SeriesTable(code, name, SERIES_DOCUMENTS[code], rows))
    return tables


def universal_rules(policy: Policy | None = None) -> list[tuple[str, str]]:
    """The rules of every series, with the numbers the precheck uses."""
    p = policy or DEFAULT_POLICY
    share = f"{p.ce_professional_share.numerator}/{p.ce_professional_share.denominator}"
    delays = p.appraisal_delays
    return [
        (
            "年度考核",
            f"资历计算期内每个基本合格年度，资历要求延长 {delays.get('03', 0)} 年；每个不合格年度延长 "
            f"{delays.get('04', 0)} 年。",
        ),
        ("上一年度考核", "评审年度的上一年度考核须为合格（称职）及以上；未参加考核或未填写的，由审核部门人工审核。"),
        (
            "继续教育",
            f"评审年度前 {p.ce_years} 个完整年度（毕业当年及以前不计），每年不少于 {p.ce_hours} 学时，"
            f"其中专业科目不少于 {share}（人社部令第25号）。",
        ),
        (
            "退休年龄",
            f"截至评审活动的申报截止日未达法定退休年龄（男 {p.retirement_male} 岁、女 {p.retirement_female} 岁"
            + ("，按渐进式延迟退休规定延长" if p.gradual_retirement_reform else "")
            + "）。",
        ),
        (
            "诚信记录",
            "诚信档案记录期限内（含最后一日）不得申报；无论评审活动的资格预审是“不符合时提示”还是"
            "“不符合时不能提交”，都不能提交。",
        ),
        ("处分期", "处分期内（含最后一日）不得申报；在“不符合时不能提交”的评审活动中不能提交。"),
    ]
