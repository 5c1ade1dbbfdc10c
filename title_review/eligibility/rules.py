"""申报条件 as data: per (series, target level, route) the alternatives of 学历 + 资历 that qualify.

An applicant qualifies for a row when any one alternative holds:
  * the applicant's schooling (学历 or 学位, whichever is higher) is at least `education`, and
  * if `lower_level` is set, the applicant holds that level in the same series, and has held it for
    `years` (extended by annual-appraisal penalties); or, when `since` is GRADUATION, `years` have
    passed since graduation.
A row with `recommenders` > 0 (破格) also needs that many 正高级 experts' recommendations.
An alternative with `manual` set names a condition the system cannot check (a school stage, a
number not confirmed in the national text): when it is the one met, the result is 人工审核 and says why.
A row with no alternatives and a `manual` text (以考代评 levels, 高校自主评审) is 人工审核 throughout.
Every (series, level, route) without a row goes to manual review too; the universal rules (年度考核,
继续教育, 退休年龄, 诚信记录, 处分期) run for every series whatever this table holds.

Sources, one constant per series below (each row's `source` names the clause):
  * 工程 (05): 人社部发〔2019〕16号《工程技术人才职称评价基本标准》, domain.md §1.4.
  * 中小学教师 (22): 人社部 教育部《关于深化中小学教师职称制度改革的指导意见》(人社部发〔2015〕79号),
    附件《中小学教师水平评价基本标准条件》; the years as a district applies them (厦门市湖里区 2025).
  * 卫生 (04): 人社部 国家卫生健康委 国家中医药局《关于深化卫生专业技术人员职称制度改革的指导意见》
    (人社部发〔2021〕51号), 附件《卫生专业技术人员职称评价基本标准》; the years as 成都市 2021 applies them.
  * 经济 (19): 人社部《关于深化经济专业人员职称制度改革的指导意见》(人社部发〔2019〕53号), 附件《经济
    专业人员职称评价基本标准条件》.
  * 会计 (17): 人社部 财政部《关于深化会计人员职称制度改革的指导意见》(人社部发〔2019〕8号), 附件
    《会计人员职称评价基本标准条件》.
  * 高校教师 (01): 人社部 教育部《关于深化高等学校教师职称制度改革的指导意见》(人社部发〔2020〕100号):
    评审权下放高校, 条件由学校制定; no national years, so every level is 人工审核.
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
# 卫生 names cover its four tracks (医、药、护、技) at once: the facts carry the level, not the track.
QUALIFICATION_NAMES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("05", "1"): "正高级工程师",
        ("05", "2"): "高级工程师",
        ("05", "3"): "工程师",
        ("05", "4"): "助理工程师",
        ("05", "5"): "技术员",
        ("22", "1"): "正高级教师",
        ("22", "2"): "高级教师",
        ("22", "3"): "一级教师",
        ("22", "4"): "二级教师",
        ("22", "5"): "三级教师",
        ("04", "1"): "主任医（药、护、技）师",
        ("04", "2"): "副主任医（药、护、技）师",
        ("04", "3"): "主治（主管）医（药、护、技）师",
        ("04", "4"): "医（药、护、技）师",
        ("04", "5"): "医（药、护、技）士",
        ("19", "1"): "正高级经济师",
        ("19", "2"): "高级经济师",
        ("19", "3"): "经济师",
        ("19", "4"): "助理经济师",
        ("17", "1"): "正高级会计师",
        ("17", "2"): "高级会计师",
        ("17", "3"): "会计师",
        ("17", "4"): "助理会计师",
        ("01", "1"): "教授",
        ("01", "2"): "副教授",
        ("01", "3"): "讲师",
        ("01", "4"): "助教",
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
    # A condition the system cannot check (学段, a number not confirmed): met → 人工审核, saying this.
    manual: str = ""


@dataclass(frozen=True)
class EligibilityRule:
    series_code: str
    target_level: str
    route: str
    alternatives: tuple[Alternative, ...]
    source: str
    recommenders: int = 0  # 破格: 正高级 experts who must recommend
    # No alternatives: why this row is 人工审核 throughout (以考代评, 高校自主评审).
    manual: str = ""
    # Shown after a result that is not a failure: a further condition the precheck does not check.
    note: str = ""


ENGINEERING = "05"
NORMAL = "01"  # 正常申报
BREAKTHROUGH = "02"  # 破格申报

_SOURCE = "人社部发〔2019〕16号《工程技术人才职称评价基本标准》"

# Keep alternatives in descending education order: the evaluator reports the first best match.
ENGINEERING_RULES: tuple[EligibilityRule, ...] = (
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


TEACHER = "22"
_TEACHER_SOURCE = "人社部发〔2015〕79号《中小学教师水平评价基本标准条件》"
_PRIMARY_MIDDLE = "大学专科学历只适用于小学、初中教师（系统无法核对学段）"
_PRIMARY = "中等师范学校毕业学历只适用于小学教师（系统无法核对学段）"

# 中小学教师 (79号; the years as 厦门市湖里区 publishes them in 2025, matching the national text):
#   正高级教师: 大学本科学历或学士学位, 任高级教师 5 年.
#   高级教师: 博士 + 一级 2 年; 硕士、学士、本科 + 一级 5 年; 大学专科 + 小学、初中一级 5 年.
#   一级教师: 博士; 硕士 + 二级 2 年; 学士或本科 + 二级 4 年; 大学专科 + 小学、初中二级 4 年;
#            中等师范 + 小学二级 5 年.
#   二级教师: 硕士; 学士或本科 见习 1 年期满 (考核合格: the employer's); 大学专科 + 小学、初中三级 2 年;
#            中等师范 + 小学三级 3 年.
#   三级教师: 大学专科, 小学、初中见习 1 年期满.
TEACHER_RULES: tuple[EligibilityRule, ...] = (
    EligibilityRule(
        TEACHER, "1", NORMAL, (Alternative(Tier.BACHELOR, 5, lower_level="2"),), source=f"{_TEACHER_SOURCE} 正高级教师"
    ),
    EligibilityRule(
        TEACHER,
        "2",
        NORMAL,
        (
            Alternative(Tier.DOCTOR, 2, lower_level="3"),
            Alternative(Tier.BACHELOR, 5, lower_level="3"),
            Alternative(Tier.COLLEGE, 5, lower_level="3", manual=_PRIMARY_MIDDLE),
        ),
        source=f"{_TEACHER_SOURCE} 高级教师",
    ),
    EligibilityRule(
        TEACHER,
        "3",
        NORMAL,
        (
            Alternative(Tier.DOCTOR),
            Alternative(Tier.MASTER, 2, lower_level="4"),
            Alternative(Tier.BACHELOR, 4, lower_level="4"),
            Alternative(Tier.COLLEGE, 4, lower_level="4", manual=_PRIMARY_MIDDLE),
            Alternative(Tier.SECONDARY, 5, lower_level="4", manual=_PRIMARY),
        ),
        source=f"{_TEACHER_SOURCE} 一级教师",
    ),
    EligibilityRule(
        TEACHER,
        "4",
        NORMAL,
        (
            Alternative(Tier.MASTER),
            Alternative(Tier.BACHELOR, 1, since=Since.GRADUATION),
            Alternative(Tier.COLLEGE, 2, lower_level="5", manual=_PRIMARY_MIDDLE),
            Alternative(Tier.SECONDARY, 3, lower_level="5", manual=_PRIMARY),
        ),
        source=f"{_TEACHER_SOURCE} 二级教师",
    ),
    EligibilityRule(
        TEACHER,
        "5",
        NORMAL,
        (Alternative(Tier.COLLEGE, 1, since=Since.GRADUATION, manual=_PRIMARY_MIDDLE),),
        source=f"{_TEACHER_SOURCE} 三级教师",
    ),
)

HEALTH = "04"
_HEALTH_SOURCE = "人社部发〔2021〕51号《卫生专业技术人员职称评价基本标准》"
_HEALTH_EXAM = "卫生系列初级、中级实行以考代评（全国卫生专业技术资格考试），不进行评审，由审核部门核对考试合格证明。"

# 卫生 (51号; the years as 成都市 2021 applies them):
#   主任医（药、护、技）师: 大学本科及以上学历或学士及以上学位, 受聘副主任 5 年.
#   副主任医（药、护、技）师: 大学本科及以上学历或学士及以上学位, 受聘主治（主管）5 年; 大学专科, 受聘
#   主治（主管）7 年 — for 医师 only in 县级及以下基层医疗卫生机构 (护、药、技 anywhere).
#   初级、中级: 以考代评. Shorter years for 硕士/博士 appear in provincial rules only: not modelled.
HEALTH_RULES: tuple[EligibilityRule, ...] = (
    EligibilityRule(
        HEALTH, "1", NORMAL, (Alternative(Tier.BACHELOR, 5, lower_level="2"),), source=f"{_HEALTH_SOURCE} 正高级"
    ),
    EligibilityRule(
        HEALTH,
        "2",
        NORMAL,
        (
            Alternative(Tier.BACHELOR, 5, lower_level="3"),
            Alternative(
                Tier.COLLEGE,
                7,
                lower_level="3",
                manual="大学专科学历的医师须在县级及以下基层医疗卫生机构工作（护、药、技不限；系统无法核对机构层级）",
            ),
        ),
        source=f"{_HEALTH_SOURCE} 副高级",
    ),
    *(
        EligibilityRule(HEALTH, level, NORMAL, (), source=f"{_HEALTH_SOURCE} 初级、中级", manual=_HEALTH_EXAM)
        for level in ("3", "4", "5")
    ),
)

ECONOMICS = "19"
_ECONOMICS_SOURCE = "人社部发〔2019〕53号《经济专业人员职称评价基本标准条件》"
ACCOUNTING = "17"
_ACCOUNTING_SOURCE = "人社部发〔2019〕8号《会计人员职称评价基本标准条件》"


def _exam_and_review(series: str, source: str, senior: str, exam: str) -> tuple[EligibilityRule, ...]:
    """经济 and 会计 have the same shape: 初级、中级 以考代评; 高级 考评结合 with 博士 2 / 本科 5 / 专科 10
    years after the 中级 title; 正高级 评审, 本科 + 5 years after the 高级 title."""
    return (
        EligibilityRule(
            series,
            "2",
            NORMAL,
            (
                Alternative(Tier.DOCTOR, 2, lower_level="3"),
                Alternative(Tier.BACHELOR, 5, lower_level="3"),
                Alternative(Tier.COLLEGE, 10, lower_level="3"),
            ),
            source=f"{source} {senior}",
            note=f"{senior}实行考评结合：还须取得{exam}合格成绩（在有效期内），由审核部门核对。",
        ),
        *(
            EligibilityRule(
                series,
                level,
                NORMAL,
                (),
                source=f"{source} 初级、中级",
                manual="初级、中级实行以考代评（全国统一考试），不进行评审，由审核部门核对考试合格证明。",
            )
            for level in ("3", "4")
        ),
    )


# 经济 (53号): 高级经济师 — 大学专科 + 经济师 10 年; 硕士、第二学士、研究生班、本科或学士 + 5 年;
# 博士 + 2 年; 考评结合. 正高级经济师: 本科 + 高级经济师 5 年 is the usual reading, but its text could not
# be confirmed here, so the row is 人工审核 and says why.
ECONOMICS_RULES: tuple[EligibilityRule, ...] = (
    EligibilityRule(
        ECONOMICS,
        "1",
        NORMAL,
        (
            Alternative(
                Tier.BACHELOR, 5, lower_level="2", manual="正高级经济师的年限未能与国家文件原文核实，以当地评审通知为准"
            ),
        ),
        source=f"{_ECONOMICS_SOURCE} 正高级经济师",
    ),
    *_exam_and_review(ECONOMICS, _ECONOMICS_SOURCE, "高级经济师", "高级经济专业技术资格考试"),
)

# 会计 (8号): 高级会计师 — 大学专科 + 会计师 10 年; 硕士、第二学士、研究生班、本科或学士 + 5 年; 博士 +
# 2 年; 考评结合. 正高级会计师: 本科或学士以上 + 高级会计师 5 年 (山东省 2019 标准条件, citing 8号).
ACCOUNTING_RULES: tuple[EligibilityRule, ...] = (
    EligibilityRule(
        ACCOUNTING,
        "1",
        NORMAL,
        (Alternative(Tier.BACHELOR, 5, lower_level="2"),),
        source=f"{_ACCOUNTING_SOURCE} 正高级会计师",
    ),
    *_exam_and_review(ACCOUNTING, _ACCOUNTING_SOURCE, "高级会计师", "高级会计资格考试"),
)

UNIVERSITY = "01"
# 高校教师 (100号): 评审权下放, 条件由学校制定 — no national years to check.
UNIVERSITY_RULES: tuple[EligibilityRule, ...] = tuple(
    EligibilityRule(
        UNIVERSITY,
        level,
        route,
        (),
        source="人社部发〔2020〕100号《关于深化高等学校教师职称制度改革的指导意见》",
        manual="高校教师职称评审权已下放高校（人社部发〔2020〕100号），学历、资历条件由学校制定，"
        "由审核部门按学校的评价标准人工审核。",
    )
    for level in ("1", "2", "3", "4")
    for route in (NORMAL, BREAKTHROUGH)
)

# The series with a table, for the 申报条件 page: code → name (as the national code set spells it) and the
# document every row of the table cites.
SERIES_NAMES: Mapping[str, str] = MappingProxyType(
    {
        ENGINEERING: "工程技术人员",
        TEACHER: "中小学教师",
        HEALTH: "卫生技术人员",
        ECONOMICS: "经济专业人员",
        ACCOUNTING: "会计专业人员",
        UNIVERSITY: "高等学校教师",
    }
)
SERIES_DOCUMENTS: Mapping[str, str] = MappingProxyType(
    {
        ENGINEERING: "人社部 工业和信息化部《关于深化工程技术人才职称制度改革的指导意见》（人社部发〔2019〕16号）",
        TEACHER: "人社部 教育部《关于深化中小学教师职称制度改革的指导意见》（人社部发〔2015〕79号）",
        HEALTH: "人社部 国家卫生健康委 国家中医药局《关于深化卫生专业技术人员职称制度改革的指导意见》"
        "（人社部发〔2021〕51号）",
        ECONOMICS: "人社部《关于深化经济专业人员职称制度改革的指导意见》（人社部发〔2019〕53号）",
        ACCOUNTING: "人社部 财政部《关于深化会计人员职称制度改革的指导意见》（人社部发〔2019〕8号）",
        UNIVERSITY: "人社部 教育部《关于深化高等学校教师职称制度改革的指导意见》（人社部发〔2020〕100号）",
    }
)

RULES: tuple[EligibilityRule, ...] = (
    ENGINEERING_RULES + TEACHER_RULES + HEALTH_RULES + ECONOMICS_RULES + ACCOUNTING_RULES + UNIVERSITY_RULES
)


def find_rule(
    series_code: str, target_level: str, route: str, rules: Sequence[EligibilityRule] = RULES
) -> EligibilityRule | None:
    for rule in rules:
        if (rule.series_code, rule.target_level, rule.route) == (series_code, target_level, route):
            return rule
    return None
