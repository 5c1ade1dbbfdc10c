"""Numbers of the precheck that differ by province.

These are national defaults kept in a dataclass for now. They become province settings
(title_review.core.policies, keys `eligibility.*`) later; the dossier then builds a `Policy` from
get_policy and passes it to `precheck`. Nothing here reads the database.
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
