"""What the precheck knows about an applicant: plain values, dictionary codes, no ORM objects.

Codes are those of the national code set (title_review/dictionaries/seed/national.json): `series`,
`level` (1 正高级 … 5 员级), `declaration_route` (01 正常 02 破格 …), `education` (GB/T 4658),
`degree` (2 博士 3 硕士 4 学士 0 无) and `appraisal_result` (01 优秀 … 04 不合格 05 未参加考核).
The declaration dossier builds one of these from its own records and calls `evaluate.precheck`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, kw_only=True)
class ApplicantFacts:
    series_code: str  # 申报系列, e.g. "05" 工程技术人员
    target_level: str  # 申报级别 (level code)
    route: str  # 申报方式 (declaration_route code)
    education_code: str  # 最高学历 (education code)
    round_year: int  # 评审年度
    degree_code: str = "0"  # 最高学位 (degree code); "0" = 无
    # 毕业时间 of the highest education: the start of 见习 / work years for the 助理工程师 rows.
    graduation_date: dt.date | None = None
    current_qualification_level: str | None = None  # 现有资格的级别; None = 无
    current_qualification_obtained: dt.date | None = None  # 取得时间
    # Series of the current qualification; None means "the series applied for".
    current_qualification_series_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # "男" / "女"
    appraisals: Mapping[int, str] = field(default_factory=dict)  # 年度 → appraisal_result code
    # 年度 → (专业科目学时, 公需科目学时)
    continuing_education: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    recommenders: int = 0  # 正高级专家推荐人数 (破格)
    # 诚信档案: the last barred day of a ban (title_review.eligibility.selectors.active_ban_until).
    integrity_ban_until: dt.date | None = None
    # 处分期: the last day of a disciplinary period (处分) in force; no filing inside it.
    discipline_until: dt.date | None = None
    # The day the precheck runs (申报日): a ban still running on it blocks. None = judge at the cutoff.
    checked_on: dt.date | None = None
    cutoff: dt.date | None = None  # 计算截止日; None = Dec 31 of round_year
    # 申报截止日 of the round: the retirement age is judged on it. None = judge at the cutoff.
    deadline: dt.date | None = None

    def __post_init__(self) -> None:
        # Frozen all the way down: callers cannot change the facts behind a result.
        object.__setattr__(self, "appraisals", MappingProxyType(dict(self.appraisals)))
        object.__setattr__(self, "continuing_education", MappingProxyType(dict(self.continuing_education)))

    @property
    def cutoff_date(self) -> dt.date:
        return self.cutoff or dt.date(self.round_year, 12, 31)
