"""Numbers of the precheck that differ by province.

`Policy` holds them; its defaults are the national numbers. A province changes them in 参数设置 (keys
`eligibility.*` in title_review.core.policies): `current_policy` reads those settings (cached, one query when
not) and every precheck — the dossier, 提交, lists, the 申报条件 page — judges with it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

# appraisal_result code → years the 资历 requirement is extended; mirrors attributes.delay_years of
# the seed (national.json): 基本合格 delays one year, 不合格 two (domain.md §1.6).
APPRAISAL_DELAY_YEARS: Mapping[str, int] = MappingProxyType({"01": 0, "02": 0, "03": 1, "04": 2, "05": 0})


@dataclass(frozen=True, kw_only=True)
class Policy:
    # 继续教育 (人社部令第25号): ≥ 90 学时 a year, 专业科目 ≥ 2/3 of the total, checked over the last
    # `ce_years` full years before the 评审年度. Some provinces use 72 (中→高) or 40 (初→中).
    ce_hours: int = 90
    ce_professional_share: Fraction = Fraction(2, 3)
    ce_years: int = 3
    # 法定退休年龄 on the cutoff date. The 2025 reform (全国人大常委会《关于实施渐进式延迟法定退休
    # 年龄的决定》, 2024-09-13, in force 2025-01-01) raises 60 → 63 for men and 55 → 58 for women
    # cadres, one month per four months of birth date, over 15 years. It is opt-in here
    # (`gradual_retirement_reform`) so a province switches it on together with its own 申报 rules;
    # flexible early/late retirement agreed with the employer is outside the precheck.
    retirement_male: int = 60
    retirement_female: int = 55
    gradual_retirement_reform: bool = False
    appraisal_delays: Mapping[str, int] = field(default_factory=lambda: APPRAISAL_DELAY_YEARS)


DEFAULT_POLICY = Policy()

POLICY_KEYS = (
    "eligibility.ce_hours",
    "eligibility.ce_professional_share",
    "eligibility.ce_years",
    "eligibility.retirement_male",
    "eligibility.retirement_female",
    "eligibility.gradual_retirement_reform",
)


def current_policy() -> Policy:
    """The precheck's numbers as 参数设置 has them now."""
    from title_review.core.policies import get_policies

    values = get_policies(list(POLICY_KEYS))
    return Policy(
        ce_hours=int(values["eligibility.ce_hours"]),
        ce_professional_share=Fraction(str(values["eligibility.ce_professional_share"])),
        ce_years=int(values["eligibility.ce_years"]),
        retirement_male=int(values["eligibility.retirement_male"]),
        retirement_female=int(values["eligibility.retirement_female"]),
        gradual_retirement_reform=bool(values["eligibility.gradual_retirement_reform"]),
    )


# Original legal age → (first birth year affected, birth months per month of delay, cap in months).
_REFORM_SCHEDULE: Mapping[int, tuple[int, int, int]] = MappingProxyType(
    {60: (1965, 4, 36), 55: (1970, 4, 36), 50: (1975, 2, 60)}
)


def reform_delay_months(original_age: int, birth_year: int, birth_month: int) -> int:
    """Months the 2025 reform adds to `original_age` for someone born in that month (0 if untouched)."""
    schedule = _REFORM_SCHEDULE.get(original_age)
    if schedule is None:
        return 0
    first_year, step, cap = schedule
    index = (birth_year - first_year) * 12 + (birth_month - 1)
    if index < 0:
        return 0
    return min(cap, index // step + 1)
