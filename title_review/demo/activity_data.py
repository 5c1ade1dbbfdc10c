"""The living province of the demo (issue 15 point 9): published rounds and declarations at every stage.

Loaded by `manage.py load_demo_activity` after `load_demo` (`make run`); never by the test suite's seed. Dates
are relative to the day it runs, so that windows are open and publicities have ended or are running.
"""

from typing import Any

# Round windows, in days from today (Beijing time): open since 40 days, closing in 45.
OPENED_DAYS_AGO = 40
CLOSES_IN_DAYS = 45
# A finished 单位内部公示 starts two days after the window opened (5 working days end well before today);
# a running one started yesterday.
PAST_PUBLICITY_AFTER_OPENING = 2
OFFICE = "hzadmin"  # publishes every round below (杭州市职改办)

# key, committee name, host (demo organisation key), who registers it, series name, levels, 备案号.
COMMITTEES: list[dict[str, Any]] = [
    {
        "key": "health",
        "name": "浙江省卫生高级专业技术职务任职资格评审委员会",
        "host": "zj",
        "by": "zjadmin",
        "series": "卫生技术人员",
        "levels": ["副高级"],
        "filing_number": "浙职改备〔{year}〕21号",
    },
    {
        "key": "teacher",
        "name": "杭州市中小学教师专业技术职务评审委员会",
        "host": "hz",
        "by": "hzadmin",
        "series": "中小学教师",
        "levels": ["中级", "副高级"],
        "filing_number": "浙职改备〔{year}〕35号",
    },
    {
        "key": "engineering",
        "name": "杭州市工程技术人员中级职务评审委员会",
        "host": "hz",
        "by": "hzadmin",
        "series": "工程技术人员",
        "levels": ["中级"],
        "filing_number": "浙职改备〔{year}〕36号",
    },
    {
        "key": "economics",
        "name": "浙江省经济系列高级专业技术职务任职资格评审委员会",
        "host": "zj",
        "by": "zjadmin",
        "series": "经济专业人员",
        "levels": ["副高级"],
        "filing_number": "浙职改备〔{year}〕18号",
    },
    {
        "key": "accounting",
        "name": "浙江省会计高级专业技术职务任职资格评审委员会",
        "host": "zj",
        "by": "zjadmin",
        "series": "会计专业人员",
        "levels": ["副高级"],
        "filing_number": "浙职改备〔{year}〕19号",
    },
]

# key (= its committee's), title, scope (demo organisation keys). The 杭州市职改办 publishes each and takes
# the declarations at 资格审查; the 高级 ones go on to the province's committees.
ROUNDS: list[dict[str, Any]] = [
    {"key": "health", "title": "{year}年度杭州市卫生系列高级职称申报", "scope": ["wjw"]},
    {"key": "teacher", "title": "{year}年度杭州市中小学教师职称评审", "scope": ["jyj"], "series_section": "teacher"},
    {"key": "engineering", "title": "{year}年度杭州市工程技术人员中级职称评审", "scope": ["xh"]},
    {"key": "economics", "title": "{year}年度杭州市经济系列高级职称申报", "scope": ["rcfw"]},
    {"key": "accounting", "title": "{year}年度杭州市会计系列高级职称申报", "scope": ["rcfw"]},
]

# Stages a declaration is brought to, in the order of the chain.
DRAFT = "draft"  # 填写中: complete, not yet submitted
SUBMITTED = "submitted"  # 待单位审核
PUBLICITY = "publicity"  # 单位内部公示中 (since yesterday)
READY = "ready"  # 公示期满，待上报
LEVEL_1 = "level_1"  # at the first level above the employer
LEVEL_2 = "level_2"  # passed by the first level, at the second
QUALIFICATION = "qualification"  # 资格审查中 at the 杭州市职改办
ACCEPTED = "accepted"  # 已受理
RETURNED_BY_DEPARTMENT = "returned_by_department"  # 被退回 by the first level, with a reason
RETURNED_BY_OFFICE = "returned_by_office"  # 被退回 at 资格审查 (退回审查)
STAGES = (
    DRAFT,
    SUBMITTED,
    PUBLICITY,
    READY,
    LEVEL_1,
    LEVEL_2,
    QUALIFICATION,
    ACCEPTED,
    RETURNED_BY_DEPARTMENT,
    RETURNED_BY_OFFICE,
)

# Who acts for each organisation of the demo tree (a demo account of the README).
EMPLOYER_ADMINS = {"hospital": "hospitaladmin", "school": "schooladmin", "company": "companyadmin", "rcfw": "rcfwadmin"}
DEPARTMENT_REVIEWERS = {"wjw": "wjwreview", "jyj_zs": "zsadmin", "jyj": "jyjadmin", "xh": "xhadmin"}
QUALIFICATION_REVIEWER = "hzcheck"
RETURN_REVIEWER = "hzreturn"

# The returns, as a reviewer writes them: (reason, sections to fix).
DEPARTMENT_RETURN = ("继续教育学时证明不清晰，请补充2025年度继续教育登记证明。", ["继续教育", "附件"])
OFFICE_RETURN = ("年度考核表缺少单位盖章，请重新上传加盖公章的考核表。", ["年度考核", "附件"])

# The people of the demo: a demo account of the README (username) or a colleague the employer issues a
# 个人申报账号 to (login name, name, birth date yyyymmdd, sex). Each files in one round and is brought to one
# stage. Identity numbers are built from the employer's region, the birth date and a sequence, with the
# GB 11643 check digit.
PEOPLE: list[dict[str, Any]] = [
    # 卫生 (杭州市第一人民医院 → 杭州市卫生健康委员会 → 杭州市职改办)
    {"account": "applicant", "round": "health", "stage": RETURNED_BY_DEPARTMENT},
    {"login": "hospital01", "name": "陈思远", "born": "19850316", "male": True, "round": "health", "stage": DRAFT},
    {"login": "hospital02", "name": "林雅琴", "born": "19860722", "male": False, "round": "health", "stage": SUBMITTED},
    {"login": "hospital03", "name": "吴浩然", "born": "19840509", "male": True, "round": "health", "stage": PUBLICITY},
    {"login": "hospital04", "name": "徐静怡", "born": "19830118", "male": False, "round": "health", "stage": READY},
    {"login": "hospital05", "name": "马俊杰", "born": "19821104", "male": True, "round": "health", "stage": LEVEL_1},
    {
        "login": "hospital06",
        "name": "胡晓燕",
        "born": "19810630",
        "male": False,
        "round": "health",
        "stage": QUALIFICATION,
    },
    {"login": "hospital07", "name": "郭明辉", "born": "19800827", "male": True, "round": "health", "stage": ACCEPTED},
    # 中小学教师 (杭州第二中学 → 直属学校管理中心 → 杭州市教育局 → 杭州市职改办)
    {"account": "teacher", "round": "teacher", "stage": DRAFT},
    {"login": "school01", "name": "何佳慧", "born": "19880412", "male": False, "round": "teacher", "stage": SUBMITTED},
    {"login": "school02", "name": "罗志强", "born": "19870925", "male": True, "round": "teacher", "stage": PUBLICITY},
    {"login": "school03", "name": "梁文静", "born": "19890203", "male": False, "round": "teacher", "stage": READY},
    {"login": "school04", "name": "宋国平", "born": "19860515", "male": True, "round": "teacher", "stage": LEVEL_1},
    {"login": "school05", "name": "唐丽华", "born": "19851208", "male": False, "round": "teacher", "stage": LEVEL_2},
    {
        "login": "school06",
        "name": "许振宇",
        "born": "19840719",
        "male": True,
        "round": "teacher",
        "stage": QUALIFICATION,
    },
    {
        "login": "school07",
        "name": "邓春梅",
        "born": "19830301",
        "male": False,
        "round": "teacher",
        "stage": RETURNED_BY_OFFICE,
    },
    # 工程 (杭州西湖数智科技有限公司 → 西湖区职改办 → 杭州市职改办)
    {
        "login": "company01",
        "name": "曹文军",
        "born": "19900611",
        "male": True,
        "round": "engineering",
        "stage": SUBMITTED,
    },
    {"login": "company02", "name": "彭海燕", "born": "19891017", "male": False, "round": "engineering", "stage": READY},
    {
        "login": "company03",
        "name": "曾晓东",
        "born": "19880224",
        "male": True,
        "round": "engineering",
        "stage": LEVEL_1,
    },
    {
        "login": "company04",
        "name": "肖玉兰",
        "born": "19870808",
        "male": False,
        "round": "engineering",
        "stage": ACCEPTED,
    },
    # 经济、会计 (杭州市人才服务局, 人事代理 → 杭州市职改办)
    {"login": "rcfw01", "name": "田建国", "born": "19820913", "male": True, "round": "economics", "stage": SUBMITTED},
    {
        "login": "rcfw02",
        "name": "董秀英",
        "born": "19840127",
        "male": False,
        "round": "economics",
        "stage": QUALIFICATION,
    },
    {"login": "rcfw03", "name": "袁明", "born": "19810405", "male": True, "round": "accounting", "stage": READY},
    {"login": "rcfw04", "name": "潘丽", "born": "19830619", "male": False, "round": "accounting", "stage": ACCEPTED},
]

# Region of each employer's people (the first 6 digits of their identity numbers).
PEOPLE_REGION = {"hospital": "330102", "school": "330108", "company": "330106", "rcfw": "330105"}
# Each round's employer.
ROUND_EMPLOYER = {
    "health": "hospital",
    "teacher": "school",
    "engineering": "company",
    "economics": "rcfw",
    "accounting": "rcfw",
}

# 评委会评审: a second round of the province's engineering committee (load_demo's COMMITTEE), for the 正高级 of
# the 省属 units, whose sitting its secretary has organised (组织评审会议: 25 members named, 3 from outside
# Zhejiang) and opened, so that the expert `gczj01` finds a meeting to 签到 at 我的评审会议. load_demo's own
# round stays without a meeting: 抽取评委 on it is the README's walk-through.
SITTING: dict[str, Any] = {
    "round_title": "{year}年度浙江省正高级工程师职称评审（省属单位）",
    "by": "zjadmin",
    "levels": ["正高级"],
    "scope": ["design"],
    "secretary": "zjmishu",
    "meeting_title": "{year}年度浙江省正高级工程师评审会议",
    "members": [f"gczj{i:02d}" for i in (*range(1, 23), 49, 50, 51)],
}
