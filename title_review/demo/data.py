"""The demo slice of Zhejiang (README lists the same accounts). Demo data only: production has
no default passwords."""

from typing import Any

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 — documented demo password, never loaded in production

ROOT = {"key": "zj", "name": "浙江省职称工作领导小组办公室", "region": "330000"}

# key, parent key, name, kind, region
ORGANISATIONS = [
    ("hz", "zj", "杭州市职称工作领导小组办公室", "title_office", "330100"),
    ("xh", "hz", "西湖区职称工作领导小组办公室", "title_office", "330106"),
    ("wjw", "hz", "杭州市卫生健康委员会", "department", "330100"),
    ("jyj", "hz", "杭州市教育局", "department", "330100"),
    ("jyj_zs", "jyj", "杭州市教育局直属学校管理中心", "department", "330100"),
    ("hospital", "wjw", "杭州市第一人民医院", "employer", "330102"),
    ("school", "jyj_zs", "杭州第二中学", "employer", "330108"),
    ("company", "xh", "杭州西湖数智科技有限公司", "employer", "330106"),
    ("rcfw", "hz", "杭州市人才服务局", "agency", "330100"),
    # 评委会评审: a 省属 unit whose engineers sit in the expert pool, and the unit of the pool's 省外专家.
    ("design", "zj", "浙江省建筑设计研究院", "employer", "330100"),
    ("outside", "zj", "江西省工程咨询中心", "employer", "360100"),
]

# username, real name, organisation key, role, description for the README
ACCOUNTS = [
    ("sysadmin", "张系统", "zj", "system_admin", "系统管理员（三员之一，不能查看审计日志）"),
    ("secadmin", "李安全", "zj", "security_admin", "安全管理员"),
    ("auditor", "王审计", "zj", "audit_admin", "审计管理员（操作日志、登录日志）"),
    ("zjadmin", "赵省办", "zj", "office_admin", "省职改办管理员（维护字典、管理全省机构）"),
    ("hzadmin", "钱市办", "hz", "office_admin", "杭州市职改办管理员"),
    ("hzcheck", "孙经办", "hz", "qualification_reviewer", "杭州市职改办 资格审查经办"),
    ("hzreturn", "周退回", "hz", "return_reviewer", "杭州市职改办 退回审查"),
    ("xhadmin", "吴区办", "xh", "office_admin", "西湖区职改办管理员"),
    ("wjwadmin", "郑卫健", "wjw", "department_admin", "杭州市卫生健康委员会 主管部门管理员"),
    ("wjwreview", "冯审核", "wjw", "department_reviewer", "杭州市卫生健康委员会 主管部门审核员"),
    ("jyjadmin", "陈教育", "jyj", "department_admin", "杭州市教育局 主管部门管理员"),
    ("hospitaladmin", "褚医院", "hospital", "employer_admin", "杭州市第一人民医院 单位管理员"),
    ("schooladmin", "卫学校", "school", "employer_admin", "杭州第二中学 单位管理员"),
    ("companyadmin", "蒋企业", "company", "employer_admin", "杭州西湖数智科技有限公司 单位管理员"),
    ("rcfwadmin", "沈人才", "rcfw", "employer_admin", "杭州市人才服务局（人事代理机构）管理员"),
    (
        "zsadmin",
        "杨直属",
        "jyj_zs",
        "department_admin",
        "杭州市教育局直属学校管理中心 主管部门管理员（教育系统第一级审核）",
    ),
    ("applicant", "韩申报", "hospital", "applicant", "申报人（杭州市第一人民医院职工）"),
    (
        "teacher",
        "朱老师",
        "school",
        "applicant",
        "申报人（杭州第二中学教师；审核路径：学校 → 直属学校管理中心 → 市教育局 → 市职改办）",
    ),
    (
        "zjmishu",
        "严秘书",
        "zj",
        "committee_secretary",
        "评委会秘书（浙江省工程技术人员高级职称评审委员会：抽取评委、评审会议）",
    ),
    ("gczj01", "何建华", "design", "expert", "评审专家（专家库，浙江省建筑设计研究院；我的评审会议、代表作评审）"),
]

# The demo applicant is a personal account (signs in by mobile or identity number too) and is
# registered as staff of the hospital, so 单位忘记密码 can be tried with it.
APPLICANT_IDENTITY = {"id_type": "01", "id_number": "330106199003071236", "phone": "13800000001"}
# Every personal demo account, by username.
PERSONAL_IDENTITIES = {
    "applicant": APPLICANT_IDENTITY,
    "teacher": {"id_type": "01", "id_number": "330108198506120026", "phone": "13800000002"},
}

# 评委会评审 (issue 13): the province's engineering committee with its 备案, a round it reviews (its window has
# closed: the round is at the committee stage), and an expert pool large enough to draw 25 members with
# 25 alternates (1:2) and at least 3 from outside the host's region (here: outside Zhejiang).
COMMITTEE: dict[str, Any] = {
    "name": "浙江省工程技术人员高级职称评审委员会",
    "host": "zj",
    "series": "05",  # 工程技术人员
    "levels": ["1", "2"],  # 正高级, 副高级
    "filing_number": "浙职改备〔2025〕7号",
    "filed_days_ago": 300,  # the 备案 runs 3 years from its date, less a day
}
ROUND: dict[str, Any] = {"title": "{year}年度浙江省工程技术人员高级职称评审", "levels": ["1", "2"], "routes": ["01"]}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = ["建国", "志强", "海燕", "晓东", "丽华", "明辉", "文军", "春梅", "国平", "玉兰", "振宇", "秀英"]
# username, real name, organisation key, specialty code, 资格名称 (level code): gczj01 is the README's expert.
# All at units directly under the province, so that no city or district office finds them in its subtree.
EXPERTS = [
    (
        f"gczj{i:02d}",
        "何建华" if i == 1 else _SURNAMES[i % len(_SURNAMES)] + _GIVEN[i % len(_GIVEN)],
        "outside" if i > 48 else "design",
        f"05{(i % 12) + 1:02d}",
        ("正高级工程师", "1") if i % 3 == 0 else ("高级工程师", "2"),
    )
    for i in range(1, 57)
]
