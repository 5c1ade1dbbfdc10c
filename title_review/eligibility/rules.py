"""申报条件 as data: per (series, target level, route) the alternatives of 学历 + 资历 that qualify.

An applicant qualifies for a row when any one alternative holds:
  * the applicant's schooling (学历 or 学位, whichever is higher) is at least `education`, and
  * if `lower_level` is set, the applicant holds that level in the same series, and has held it for
    `years` (extended by annual-appraisal penalties); or, when `since` is GRADUATION, `years` have
    passed since graduation.
A row with `recommenders` > 0 (破格) also needs that many 正高级 experts' recommendations.
Rows are seeded for the engineering series only; every other (series, level, route) goes to manual
review. Sources: 人社部 工业和信息化部《关于深化工程技术人才职称制度改革的指导意见》
(人社部发〔2019〕16号, 附件《工程技术人才职称评价基本标准》), domain.md §1.4.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType


class Tier(enum.IntEnum):
    """学历/学位层次, ordered: a higher tier satisfies every lower requirement."""

    NONE = 0
    SECONDARY = 1  # 中等职业学校 (中专、技工学校)
    COLLEGE = 2  # 大学专科
    BACHELOR = 3  # 大学本科学历或学士学位
    MASTER = 4  # 硕士学位、硕士研究生 (第二学士学位 has no code in the seed; enter it as 学士 + note)
    DOCTOR = 5  # 博士学位、博士研究生


TIER_NAMES: Mapping[Tier, str] = MappingProxyType(
    {
        Tier.NONE: "无学历要求",
        Tier.SECONDARY: "中等职业学校",
        Tier.COLLEGE: "大学专科",
        Tier.BACHELOR: "大学本科",
        Tier.MASTER: "硕士",
        Tier.DOCTOR: "博士",
    }
)

# education code (GB/T 4658, the 毕业 codes of the seed) → tier. 技工学校 counts as 中等职业学校;
# 16号 says 技工院校毕业生 follow separate national rules, which are not modelled.
EDUCATION_TIERS: Mapping[str, Tier] = MappingProxyType(
    {
        "11": Tier.DOCTOR,
        "14": Tier.MASTER,
        "21": Tier.BACHELOR,
        "31": Tier.COLLEGE,
        "41": Tier.SECONDARY,
        "51": Tier.SECONDARY,
        "61": Tier.NONE,
        "71": Tier.NONE,
    }
)

# degree code → tier (学位 alone satisfies the rows: "大学本科学历或学士学位").
DEGREE_TIERS: Mapping[str, Tier] = MappingProxyType(
    {"2": Tier.DOCTOR, "3": Tier.MASTER, "4": Tier.BACHELOR, "0": Tier.NONE}
)

LEVEL_NAMES: Mapping[str, str] = MappingProxyType({"1": "正高级", "2": "副高级", "3": "中级", "4": "初级", "5": "员级"})

# (series, level) → qualification name, as in the seed's `qualification` entries (0501 … 0505).
QUALIFICATION_NAMES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("05", "1"): "正高级工程师",
        ("05", "2"): "高级工程师",
        ("05", "3"): "工程师",
        ("05", "4"): "助理工程师",
        ("05", "5"): "技术员",
    }
)


def qualification_name(series_code: str, level: str) -> str:
    return QUALIFICATION_NAMES.get((series_code, level)) or f"{LEVEL_NAMES.get(level, level)}专业技术资格"


class Since(enum.Enum):
    QUALIFICATION = "qualification"  # years from the date the lower qualification was obtained
    GRADUATION = "graduation"  # years from the graduation date of the highest education


@dataclass(frozen=True)
class Alternative:
    education: Tier  # minimum 学历/学位
    years: int = 0  # 资历年限 (whole years)
    lower_level: str | None = None  # level code to hold in the same series; None = none needed
    since: Since = Since.QUALIFICATION


@dataclass(frozen=True)
class EligibilityRule:
    series_code: str
    target_level: str
    route: str
    alternatives: tuple[Alternative, ...]
    source: str
    recommenders: int = 0  # 破格: 正高级 experts who must recommend


ENGINEERING = "05"
NORMAL = "01"  # 正常申报
BREAKTHROUGH = "02"  # 破格申报

_SOURCE = "人社部发〔2019〕16号《工程技术人才职称评价基本标准》"

# Keep alternatives in descending education order: the evaluator reports the first best match.
RULES: tuple[EligibilityRule, ...] = (
    # 助理工程师: 具备硕士学位或第二学士学位; 或大学本科学历或学士学位, 在工程技术岗位见习1年期满,
    # 经考察合格 (modelled as 1 year since graduation; the 考察 itself is the employer's); 或大学专科
    # 学历, 取得技术员职称后从事技术工作满2年; 或中等职业学校毕业学历, 取得技术员职称后满4年.
    # (domain.md §1.4 lists 大专 +3 / 中专 +2 from memory; the 16号 text says 技术员 +2 / +4.)
    EligibilityRule(
        ENGINEERING,
        "4",
        NORMAL,
        (
            Alternative(Tier.MASTER),
            Alternative(Tier.BACHELOR, 1, since=Since.GRADUATION),
            Alternative(Tier.COLLEGE, 2, lower_level="5"),
            Alternative(Tier.SECONDARY, 4, lower_level="5"),
        ),
        source=f"{_SOURCE}（二）助理工程师",
    ),
    # 工程师: 具备博士学位; 或硕士学位或第二学士学位, 取得助理工程师职称后从事技术工作满2年; 或大学
    # 本科学历或学士学位, 取得助理工程师职称后满4年; 或大学专科学历, 取得助理工程师职称后满4年.
    EligibilityRule(
        ENGINEERING,
        "3",
        NORMAL,
        (
            Alternative(Tier.DOCTOR),
            Alternative(Tier.MASTER, 2, lower_level="4"),
            Alternative(Tier.BACHELOR, 4, lower_level="4"),
            Alternative(Tier.COLLEGE, 4, lower_level="4"),
        ),
        source=f"{_SOURCE}（三）工程师",
    ),
    # 高级工程师: 具备博士学位, 取得工程师职称后从事技术工作满2年; 或硕士学位、第二学士学位、大学本科
    # 学历或学士学位, 取得工程师职称后满5年.
    EligibilityRule(
        ENGINEERING,
        "2",
        NORMAL,
        (
            Alternative(Tier.DOCTOR, 2, lower_level="3"),
            Alternative(Tier.BACHELOR, 5, lower_level="3"),
        ),
        source=f"{_SOURCE}（四）高级工程师",
    ),
    # 高级工程师 破格: 不具备前项规定的学历、年限要求, 业绩突出、作出重要贡献的, 可由2名本专业或相近
    # 专业正高级工程师推荐破格申报 (具体办法各地另定). Holding 工程师 is still required: 破格 waives
    # schooling and years, it does not allow skipping a level (越级), which is our reading.
    EligibilityRule(
        ENGINEERING,
        "2",
        BREAKTHROUGH,
        (Alternative(Tier.NONE, 0, lower_level="3"),),
        source=f"{_SOURCE}（四）高级工程师 破格申报",
        recommenders=2,
    ),
    # 正高级工程师 (增设 from 2019-02-01): 一般应具备大学本科及以上学历或学士以上学位, 取得高级工程师
    # 职称后, 从事与高级工程师职责相关工作满5年.
    EligibilityRule(
        ENGINEERING,
        "1",
        NORMAL,
        (Alternative(Tier.BACHELOR, 5, lower_level="2"),),
        source=f"{_SOURCE}（五）正高级工程师",
    ),
)


def find_rule(
    series_code: str, target_level: str, route: str, rules: Sequence[EligibilityRule] = RULES
) -> EligibilityRule | None:
    for rule in rules:
        if (rule.series_code, rule.target_level, rule.route) == (series_code, target_level, route):
            return rule
    return None
