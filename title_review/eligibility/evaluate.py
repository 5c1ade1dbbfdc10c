"""资格预审: a pure function from `ApplicantFacts` to a list of rule results (ADR 0008).

Counting rule (资历年限): whole years and months from the date the current qualification was
obtained (or the graduation date, for the rows that count from graduation) to the cutoff date,
usually Dec 31 of the 评审年度. A period of N years is complete on its N-th anniversary (《民法典》
第二百零一条、第二百零三条: the first day is not counted, the period ends on the corresponding day of
the last month, or on that month's last day when it has no such day). So a title obtained on
2021-12-31 has 4 years on 2025-12-31, one obtained on 2022-01-01 has 3 years 11 months.
Guangdong counts from Jan 1 after the title's 评审年度 instead (粤人社规〔2020〕33号); that is not
implemented here.
"""

import calendar
import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .facts import ApplicantFacts
from .policy import DEFAULT_POLICY, Policy, reform_delay_months
from .rules import (
    DEGREE_TIERS,
    EDUCATION_TIERS,
    LEVEL_NAMES,
    RULES,
    TIER_NAMES,
    Alternative,
    EligibilityRule,
    Since,
    Tier,
    find_rule,
    qualification_name,
)

__all__ = ["Policy", "RuleResult", "integrity_result", "months_between", "overall", "precheck"]

# Result codes, stable for the dossier and the UI.
EDUCATION_SENIORITY = "education_seniority"
APPRAISAL = "appraisal"
PREVIOUS_APPRAISAL = "previous_appraisal"
CONTINUING_EDUCATION = "continuing_education"
RETIREMENT = "retirement"
INTEGRITY = "integrity"
DISCIPLINE = "discipline"
RECOMMENDATION = "recommendation"

APPRAISAL_NAMES = {"01": "优秀", "02": "合格", "03": "基本合格", "04": "不合格", "05": "未参加考核"}


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    passed: bool | None  # None: not applicable, or the facts are missing (人工审核)
    detail: str


def precheck(
    facts: ApplicantFacts, *, policy: Policy | None = None, rules: Sequence[EligibilityRule] = RULES
) -> list[RuleResult]:
    """Every precheck result for `facts`, in every series.

    The universal rules (年度考核, 继续教育, 退休年龄, 诚信记录, 处分期) run whatever the series; only 学历与
    资历 depends on the series table, and is 人工审核 (passed=None, saying why) where it has no row.
    """
    policy = policy or DEFAULT_POLICY
    rule = find_rule(facts.series_code, facts.target_level, facts.route, rules)
    if rule is None or not rule.alternatives:
        seniority = RuleResult(EDUCATION_SENIORITY, "学历与资历", None, _no_table(facts, rule))
        start = facts.current_qualification_obtained
        penalties, unknown = _penalties(facts, start, facts.cutoff_date, policy) if start else ((), ())
        attempt = None
    else:
        attempt = _best_attempt(facts, rule, policy)
        detail = f"{attempt.detail}{rule.note}" if rule.note and attempt.passed is not False else attempt.detail
        seniority = RuleResult(EDUCATION_SENIORITY, "学历与资历", attempt.passed, detail)
        start, penalties, unknown = attempt.start, attempt.penalties, attempt.unknown_codes
    results = [
        seniority,
        _appraisal(facts, attempt, start, penalties, unknown),
        _previous_year(facts),
        _continuing_education(facts, policy),
        _retirement(facts, policy),
        _integrity(facts),
        _discipline(facts),
    ]
    if rule is not None and rule.recommenders:
        results.append(_recommendation(facts, rule.recommenders))
    return results


def _no_table(facts: ApplicantFacts, rule: EligibilityRule | None) -> str:
    if rule is not None:
        return rule.manual
    if not facts.target_level or not facts.route:
        return "尚未选择申报资格或申报方式，无法核对学历与资历；其余条件已按填写的信息核对。"
    return "该系列（级别、申报方式）暂无学历资历条件表，由审核部门人工审核；其余条件已按填写的信息核对。"


def overall(results: Sequence[RuleResult]) -> bool | None:
    """False if any rule failed, else None if any is open (人工审核), else True."""
    if any(r.passed is False for r in results):
        return False
    if any(r.passed is None for r in results):
        return None
    return True


# ---- counting ---------------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 if `end` is earlier), by the Civil Code rule above."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    end_is_month_end = end.day == calendar.monthrange(end.year, end.month)[1]
    if end.day < start.day and not end_is_month_end:
        months -= 1
    return max(months, 0)


def _span(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years} 年 {rest} 个月"
    if years:
        return f"{years} 年"
    if rest:
        return f"{rest} 个月"
    return "不足 1 个月"


def _age(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} 岁 {rest} 个月" if rest else f"{years} 岁"


def _hours(value: Fraction) -> str:
    """Hours for a message, rounded up to 0.1 so that the shown figure itself satisfies a minimum."""
    if value.denominator == 1:
        return str(value.numerator)
    tenths = math.ceil(value * 10)
    return f"{tenths // 10}.{tenths % 10}" if tenths % 10 else str(tenths // 10)


def _fraction(value: object) -> Fraction:
    # str() first: Fraction(0.1) is the binary float, Fraction("0.1") is one tenth.
    return Fraction(str(value))


# ---- 学历与资历 -------------------------------------------------------------------------------


def applicant_tier(facts: ApplicantFacts) -> Tier:
    return max(EDUCATION_TIERS.get(facts.education_code, Tier.NONE), DEGREE_TIERS.get(facts.degree_code, Tier.NONE))


@dataclass(frozen=True)
class _Attempt:
    """One alternative tried against the facts. rank: 0 met, 1 unknown, 2 years short,
    3 lower qualification missing, 4 schooling short."""

    rank: int
    shortfall: int  # months still missing (rank 2); the tier required (rank 4)
    passed: bool | None
    detail: str
    alternative: Alternative
    start: dt.date | None = None  # where the years are counted from
    penalties: tuple[tuple[int, str, int], ...] = ()  # (year, appraisal code, delay years)
    unknown_codes: tuple[tuple[int, str], ...] = ()


def _best_attempt(facts: ApplicantFacts, rule: EligibilityRule, policy: Policy) -> _Attempt:
    attempts = [_try(facts, rule, alt, policy) for alt in rule.alternatives]
    # min() keeps the first of equals: the table lists alternatives from the highest schooling down.
    return min(attempts, key=lambda a: (a.rank, a.shortfall))


def _holds(facts: ApplicantFacts, level: str) -> bool:
    series = facts.current_qualification_series_code or facts.series_code
    return facts.current_qualification_level == level and series == facts.series_code


def _current_title(facts: ApplicantFacts) -> str:
    level = facts.current_qualification_level
    if level is None:
        return "现无专业技术资格"
    series = facts.current_qualification_series_code or facts.series_code
    if series != facts.series_code:
        return f"现有资格为其他系列的{LEVEL_NAMES.get(level, level)}资格（需转评后申报）"
    return f"现有资格为{qualification_name(series, level)}"


def _try(facts: ApplicantFacts, rule: EligibilityRule, alt: Alternative, policy: Policy) -> _Attempt:
    tier = applicant_tier(facts)
    if tier < alt.education:
        detail = f"需具备{TIER_NAMES[alt.education]}及以上学历（学位），现为{TIER_NAMES[tier]}。"
        # Among schooling failures the lowest requirement is the one worth naming.
        return _Attempt(4, int(alt.education), False, detail, alt)
    schooling = "" if alt.education is Tier.NONE else f"学历（学位）层次为{TIER_NAMES[tier]}，"
    lower = qualification_name(rule.series_code, alt.lower_level) if alt.lower_level else ""

    if alt.lower_level and not _holds(facts, alt.lower_level):
        need = f"并任职满 {alt.years} 年" if alt.years else ""
        return _Attempt(3, 0, False, f"需取得{lower}资格{need}，{_current_title(facts)}。", alt)

    if alt.years == 0:
        held = f"已取得{lower}资格，" if lower else ""
        detail = f"{schooling}{held}无资历年限要求。"
        if rule.recommenders:
            detail = f"破格申报不受学历、资历年限限制，{held}以专家推荐代替。"
        # The appraisals while holding the lower title are still shown (they extend nothing here).
        start = facts.current_qualification_obtained if alt.lower_level else None
        if start is None:
            return _met(_Attempt(0, 0, True, detail, alt))
        penalties, unknown = _penalties(facts, start, facts.cutoff_date, policy)
        return _met(_Attempt(0, 0, True, detail, alt, start, penalties, unknown))

    if alt.since is Since.GRADUATION:
        start = facts.graduation_date
        if start is None:
            return _Attempt(1, 0, None, f"需毕业后从事专业技术工作满 {alt.years} 年，请填写毕业时间。", alt)
    else:
        start = facts.current_qualification_obtained
        if start is None:
            return _Attempt(1, 0, None, f"需任{lower}满 {alt.years} 年，请填写取得{lower}资格的时间。", alt)

    cutoff = facts.cutoff_date
    penalties, unknown = _penalties(facts, start, cutoff, policy)
    delay = sum(years for _, _, years in penalties)
    required = alt.years + delay
    served = months_between(start, cutoff)
    extended = f"（含年度考核延长 {delay} 年）" if delay else ""
    if alt.since is Since.GRADUATION:
        requirement = f"毕业后从事专业技术工作满 {required} 年{extended}"
        have = f"毕业 {_span(served)}"
    else:
        requirement = f"任{lower}满 {required} 年{extended}"
        have = f"任 {_span(served)}"
    shortfall = required * 12 - served
    if shortfall <= 0:
        held = have if alt.since is Since.GRADUATION else f"任{lower} {_span(served)}"
        detail = f"{schooling}现{held}（截至 {cutoff.isoformat()}），满足{requirement}的要求。"
        return _met(_Attempt(0, 0, True, detail, alt, start, penalties, unknown))
    detail = f"需{requirement}，现{have}（截至 {cutoff.isoformat()}）。"
    return _Attempt(2, shortfall, False, detail, alt, start, penalties, unknown)


def _met(attempt: _Attempt) -> _Attempt:
    """A met alternative with a condition the system cannot check is 人工审核 (ranked after a plain met one)."""
    if not attempt.alternative.manual:
        return attempt
    detail = f"{attempt.detail}但{attempt.alternative.manual}，由审核部门人工审核。"
    return dataclasses.replace(attempt, rank=1, passed=None, detail=detail)


# ---- 年度考核 ---------------------------------------------------------------------------------


def _penalties(
    facts: ApplicantFacts, start: dt.date, cutoff: dt.date, policy: Policy
) -> tuple[tuple[tuple[int, str, int], ...], tuple[tuple[int, str], ...]]:
    """Appraisals of the years counted (the year of `start` through the cutoff's year) that delay."""
    penalties = []
    unknown = []
    for year in sorted(facts.appraisals):
        if not start.year <= year <= cutoff.year:
            continue
        code = facts.appraisals[year]
        if code not in policy.appraisal_delays:
            unknown.append((year, code))
        elif policy.appraisal_delays[code]:
            penalties.append((year, code, policy.appraisal_delays[code]))
    return tuple(penalties), tuple(unknown)


def _appraisal(
    facts: ApplicantFacts,
    attempt: _Attempt | None,
    start: dt.date | None,
    penalties: tuple[tuple[int, str, int], ...],
    unknown_codes: tuple[tuple[int, str], ...],
) -> RuleResult:
    """Penalties that extend the years (基本合格 +1, 不合格 +2) of the years counted."""
    label = "年度考核"
    if unknown_codes:
        codes = "、".join(f"{year} 年度（{code}）" for year, code in unknown_codes)
        return RuleResult(APPRAISAL, label, None, f"考核结果代码无法识别：{codes}，由审核部门人工审核。")
    if start is None:
        if attempt is None:
            return RuleResult(APPRAISAL, label, None, "资历无法计算，年度考核对资历的延长由审核部门人工核对。")
        return RuleResult(APPRAISAL, label, None, "无资历年限要求或资历无法计算，年度考核不延长资历。")
    window = f"{start.year}–{facts.cutoff_date.year} 年"
    if not penalties:
        return RuleResult(APPRAISAL, label, True, f"资历计算期内（{window}）无基本合格或不合格的考核结果。")
    if attempt is None or attempt.alternative.years == 0:
        parts = [f"{year} 年度考核{APPRAISAL_NAMES.get(code, code)}" for year, code, _ in penalties]
        lead = "无资历年限要求，" if attempt is not None else ""
        return RuleResult(APPRAISAL, label, None, lead + "；".join(parts) + "，由审核部门人工审核。")
    parts = [
        f"{year} 年度考核{APPRAISAL_NAMES.get(code, code)}，资历要求延长 {years} 年" for year, code, years in penalties
    ]
    outcome = "延长后资历已满足要求。" if attempt.passed is not False else "延长后资历不足。"
    return RuleResult(APPRAISAL, label, attempt.passed, "；".join(parts) + "，" + outcome)


def _previous_year(facts: ApplicantFacts) -> RuleResult:
    """上一年度 (the year before the 评审年度) must be 合格 or better; 未参加考核 or no entry: 人工审核."""
    label = "上一年度考核"
    year = facts.round_year - 1
    code = facts.appraisals.get(year)
    if code is None:
        return RuleResult(PREVIOUS_APPRAISAL, label, None, f"未填写 {year} 年度考核结果，由审核部门人工审核。")
    name = APPRAISAL_NAMES.get(code, code)
    if code in ("01", "02"):
        return RuleResult(PREVIOUS_APPRAISAL, label, True, f"{year} 年度考核{name}，须为合格及以上。")
    if code in ("03", "04"):
        return RuleResult(PREVIOUS_APPRAISAL, label, False, f"{year} 年度考核{name}，须为合格及以上，不能申报。")
    return RuleResult(
        PREVIOUS_APPRAISAL, label, None, f"{year} 年度考核结果为{name}，须为合格及以上，由审核部门人工审核。"
    )


# ---- 继续教育 ---------------------------------------------------------------------------------


def _continuing_education(facts: ApplicantFacts, policy: Policy) -> RuleResult:
    label = "继续教育"
    years = list(range(facts.round_year - policy.ce_years, facts.round_year))
    if facts.graduation_date is not None:
        # The applicant was a student for at least part of the graduation year and the ones before.
        years = [y for y in years if y > facts.graduation_date.year]
    if not years:
        return RuleResult(CONTINUING_EDUCATION, label, None, "毕业后尚无完整年度，不适用。")
    share = policy.ce_professional_share
    missing = [year for year in years if year not in facts.continuing_education]
    problems = ["、".join(str(y) for y in missing) + " 年无继续教育学时记录"] if missing else []
    for year in years:
        record = facts.continuing_education.get(year)
        if record is None:
            continue
        professional, public = (_fraction(v) for v in record)
        total = professional + public
        if total < policy.ce_hours:
            problems.append(
                f"{year} 年继续教育 {_hours(total)} 学时（专业科目 {_hours(professional)}、公需科目 "
                f"{_hours(public)}），不足 {policy.ce_hours} 学时"
            )
        elif professional < total * share:
            problems.append(
                f"{year} 年专业科目 {_hours(professional)} 学时，不足总学时 {_hours(total)} 的 "
                f"{share.numerator}/{share.denominator}（需不少于 {_hours(total * share)} 学时）"
            )
    span = f"{years[0]}–{years[-1]} 年" if len(years) > 1 else f"{years[0]} 年"
    if problems:
        return RuleResult(CONTINUING_EDUCATION, label, False, "；".join(problems) + "。")
    detail = (
        f"{span}每年继续教育均不少于 {policy.ce_hours} 学时，专业科目均不少于 {share.numerator}/{share.denominator}。"
    )
    return RuleResult(CONTINUING_EDUCATION, label, True, detail)


# ---- 退休年龄 ---------------------------------------------------------------------------------


def retirement_age_months(sex: str, birth_date: dt.date, policy: Policy) -> int | None:
    """The legal retirement age in months for this person, or None when `sex` is not 男/女."""
    base = {"男": policy.retirement_male, "女": policy.retirement_female}.get(sex)
    if base is None:
        return None
    months = base * 12
    if policy.gradual_retirement_reform:
        months += reform_delay_months(base, birth_date.year, birth_date.month)
    return months


def _retirement(facts: ApplicantFacts, policy: Policy) -> RuleResult:
    label = "退休年龄"
    if facts.birth_date is None or facts.sex is None:
        return RuleResult(RETIREMENT, label, None, "缺少出生日期或性别，无法核对退休年龄。")
    limit = retirement_age_months(facts.sex, facts.birth_date, policy)
    if limit is None:
        return RuleResult(RETIREMENT, label, None, f"性别“{facts.sex}”无法识别，无法核对退休年龄。")
    cutoff = facts.deadline or facts.cutoff_date
    when = f"申报截止日 {cutoff.isoformat()}" if facts.deadline else cutoff.isoformat()
    age = months_between(facts.birth_date, cutoff)
    if age >= limit:
        detail = f"截至 {when} 已满 {_age(age)}，达到法定退休年龄 {_age(limit)}，不能申报。"
        return RuleResult(RETIREMENT, label, False, detail)
    detail = f"截至 {when} 年龄 {_age(age)}，未达法定退休年龄 {_age(limit)}。"
    return RuleResult(RETIREMENT, label, True, detail)


# ---- 诚信 与 破格推荐 -------------------------------------------------------------------------


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _integrity(facts: ApplicantFacts) -> RuleResult:
    """A ban bars declaring while it runs (“3 年内不得申报”), so it is judged on the day of the check.

    Judging it at the cutoff (Dec 31 of the 评审年度) would let a ban that ends in, say, June pass a
    declaration filed in March. Without `checked_on` (a bare call) the cutoff is the reference.
    """
    return integrity_result(facts.integrity_ban_until, facts.checked_on or facts.cutoff_date)


def integrity_result(ban: dt.date | None, reference: dt.date) -> RuleResult:
    """The 诚信记录 rule alone, for the gate at 提交 that needs no other fact."""
    label = "诚信记录"
    if ban is None:
        return RuleResult(INTEGRITY, label, True, "无诚信档案限制申报记录。")
    if ban >= reference:
        return RuleResult(INTEGRITY, label, False, f"存在诚信记录，禁止申报至 {_chinese_date(ban)}。")
    return RuleResult(INTEGRITY, label, True, f"诚信记录的禁止申报期限已于 {_chinese_date(ban)} 届满。")


def _discipline(facts: ApplicantFacts) -> RuleResult:
    """处分期: no filing while a 处分 runs, judged like the ban on the day of the check."""
    label = "处分期"
    until = facts.discipline_until
    if until is None:
        return RuleResult(DISCIPLINE, label, True, "无处分期内的处分记录。")
    reference = facts.checked_on or facts.cutoff_date
    if until >= reference:
        return RuleResult(DISCIPLINE, label, False, f"处于处分期内，处分期至 {_chinese_date(until)}，期内不得申报。")
    return RuleResult(DISCIPLINE, label, True, f"处分期已于 {_chinese_date(until)} 届满。")


def _recommendation(facts: ApplicantFacts, required: int) -> RuleResult:
    label = "破格推荐"
    if facts.recommenders < required:
        detail = f"需 {required} 名正高级专家推荐，现有 {facts.recommenders} 名。"
        return RuleResult(RECOMMENDATION, label, False, detail)
    return RuleResult(RECOMMENDATION, label, True, f"已有 {facts.recommenders} 名正高级专家推荐（需 {required} 名）。")
