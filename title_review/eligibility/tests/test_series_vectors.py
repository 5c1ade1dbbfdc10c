"""Precheck vectors for every series with a table (issue 15 point 1): qualifying and failing applicants near
each boundary — the years exactly at the limit and one month short, each schooling level, appraisal penalties
shifting the date, retirement at the round's 申报截止日 ±1 day, bans and 处分 ending yesterday, today and
tomorrow — and the universal rules in a series without any table.

Every applicant applies in the 2026 round (seniority counted to 2026-12-31), everything in order unless the
case changes it: 男, born 1985, 2025 年度 合格, 90 学时 a year of which 60 专业科目.
"""

import dataclasses
import datetime as dt

import pytest

from title_review.eligibility.evaluate import overall, precheck
from title_review.eligibility.facts import ApplicantFacts

YEAR = 2026
CUTOFF = dt.date(YEAR, 12, 31)
TODAY = dt.date(YEAR, 5, 20)  # the day of the check (申报日)
DEADLINE = dt.date(YEAR, 6, 30)  # the round's 申报截止日
EDUCATION = {"博士": "11", "硕士": "14", "本科": "21", "大专": "31", "中专": "41", "高中": "61"}
CLEAN_CE = dict.fromkeys(range(YEAR - 3, YEAR), (60, 30))

# The same person in the five series: series code → (name, qualification level names for the messages).
TEACHER, HEALTH, ECONOMICS, ACCOUNTING, UNIVERSITY = "22", "04", "19", "17", "01"


def applicant(series, target, *, schooling="本科", lower=None, years=None, obtained=None, **changes):
    """`years` as a whole number of years held before the cutoff (the anniversary falls on it)."""
    if years is not None:
        obtained = CUTOFF.replace(year=CUTOFF.year - years)
    base = ApplicantFacts(
        series_code=series,
        target_level=target,
        route="01",
        education_code=EDUCATION[schooling],
        round_year=YEAR,
        graduation_date=dt.date(2008, 7, 1),
        current_qualification_level=lower,
        current_qualification_obtained=obtained,
        birth_date=dt.date(1985, 4, 1),
        sex="男",
        appraisals={YEAR - 1: "02"},
        continuing_education=CLEAN_CE,
        checked_on=TODAY,
        deadline=DEADLINE,
    )
    return dataclasses.replace(base, **changes)


def one_month_short(years):
    """Obtained one month after the day that would complete `years` at the cutoff."""
    return dt.date(CUTOFF.year - years + 1, 1, 31)


def rule(facts, code="education_seniority"):
    (found,) = [r for r in precheck(facts) if r.code == code]
    return found


# ---- 学历与资历 at the limit and one month short, each schooling level ----------------------------

# (series, target level, schooling, lower level, years, name in the message)
AT_THE_LIMIT = [
    # 中小学教师 (人社部发〔2015〕79号)
    pytest.param(TEACHER, "1", "本科", "2", 5, "高级教师", id="教师-正高级-本科-高级5年"),
    pytest.param(TEACHER, "2", "博士", "3", 2, "一级教师", id="教师-高级-博士-一级2年"),
    pytest.param(TEACHER, "2", "硕士", "3", 5, "一级教师", id="教师-高级-硕士-一级5年"),
    pytest.param(TEACHER, "2", "本科", "3", 5, "一级教师", id="教师-高级-本科-一级5年"),
    pytest.param(TEACHER, "3", "硕士", "4", 2, "二级教师", id="教师-一级-硕士-二级2年"),
    pytest.param(TEACHER, "3", "本科", "4", 4, "二级教师", id="教师-一级-本科-二级4年"),
    # 卫生 (人社部发〔2021〕51号)
    pytest.param(HEALTH, "1", "本科", "2", 5, "副主任医（药、护、技）师", id="卫生-正高-本科-副高5年"),
    pytest.param(HEALTH, "2", "硕士", "3", 5, "主治（主管）医（药、护、技）师", id="卫生-副高-硕士-中级5年"),
    pytest.param(HEALTH, "2", "本科", "3", 5, "主治（主管）医（药、护、技）师", id="卫生-副高-本科-中级5年"),
    # 经济 (人社部发〔2019〕53号)
    pytest.param(ECONOMICS, "2", "博士", "3", 2, "经济师", id="经济-高级-博士-2年"),
    pytest.param(ECONOMICS, "2", "本科", "3", 5, "经济师", id="经济-高级-本科-5年"),
    pytest.param(ECONOMICS, "2", "大专", "3", 10, "经济师", id="经济-高级-大专-10年"),
    # 会计 (人社部发〔2019〕8号)
    pytest.param(ACCOUNTING, "1", "本科", "2", 5, "高级会计师", id="会计-正高-本科-5年"),
    pytest.param(ACCOUNTING, "2", "博士", "3", 2, "会计师", id="会计-高级-博士-2年"),
    pytest.param(ACCOUNTING, "2", "硕士", "3", 5, "会计师", id="会计-高级-硕士-5年"),
    pytest.param(ACCOUNTING, "2", "大专", "3", 10, "会计师", id="会计-高级-大专-10年"),
]


@pytest.mark.parametrize(("series", "target", "schooling", "lower", "years", "name"), AT_THE_LIMIT)
def test_the_years_are_met_on_the_anniversary(series, target, schooling, lower, years, name):
    facts = applicant(series, target, schooling=schooling, lower=lower, years=years)
    check = rule(facts)
    assert check.passed is True, check.detail
    assert f"任{name} {years} 年（截至 {CUTOFF.isoformat()}）" in check.detail
    assert f"满足任{name}满 {years} 年的要求" in check.detail
    assert overall(precheck(facts)) is True


@pytest.mark.parametrize(("series", "target", "schooling", "lower", "years", "name"), AT_THE_LIMIT)
def test_one_month_short_fails_with_the_numbers(series, target, schooling, lower, years, name):
    facts = applicant(series, target, schooling=schooling, lower=lower, obtained=one_month_short(years))
    check = rule(facts)
    assert check.passed is False
    assert check.detail == f"需任{name}满 {years} 年，现任 {years - 1} 年 11 个月（截至 {CUTOFF.isoformat()}）。"
    assert overall(precheck(facts)) is False


@pytest.mark.parametrize(
    ("series", "target", "schooling", "lower", "need"),
    [
        pytest.param(TEACHER, "1", "大专", "2", "大学本科", id="教师-正高级-大专"),
        pytest.param(TEACHER, "2", "中专", "3", "大学专科", id="教师-高级-中专"),
        pytest.param(TEACHER, "3", "高中", "4", "中等职业学校", id="教师-一级-高中"),
        pytest.param(HEALTH, "2", "中专", "3", "大学专科", id="卫生-副高-中专"),
        pytest.param(HEALTH, "1", "大专", "2", "大学本科", id="卫生-正高-大专"),
        pytest.param(ECONOMICS, "2", "中专", "3", "大学专科", id="经济-高级-中专"),
        pytest.param(ACCOUNTING, "1", "大专", "2", "大学本科", id="会计-正高-大专"),
        pytest.param(ACCOUNTING, "2", "高中", "3", "大学专科", id="会计-高级-高中"),
    ],
)
def test_schooling_below_every_alternative_fails_naming_the_lowest_requirement(series, target, schooling, lower, need):
    check = rule(applicant(series, target, schooling=schooling, lower=lower, years=20))
    assert check.passed is False
    assert check.detail.startswith(f"需具备{need}及以上学历（学位）")


def test_a_bachelor_with_ten_years_at_the_lower_grade_but_no_exam_is_still_told_about_the_exam():
    check = rule(applicant(ACCOUNTING, "2", lower="3", years=10))
    assert check.passed is True
    assert check.detail.endswith(
        "高级会计师实行考评结合：还须取得高级会计资格考试合格成绩（在有效期内），由审核部门核对。"
    )


def test_the_college_row_of_economics_needs_ten_years_not_five():
    check = rule(applicant(ECONOMICS, "2", schooling="大专", lower="3", years=9))
    assert check.passed is False
    assert "需任经济师满 10 年，现任 9 年" in check.detail


# ---- rows the system cannot decide: 人工审核, saying why -----------------------------------------


@pytest.mark.parametrize(
    ("series", "target", "schooling", "lower", "years", "why"),
    [
        pytest.param(TEACHER, "2", "大专", "3", 5, "大学专科学历只适用于小学、初中教师", id="教师-高级-大专"),
        pytest.param(TEACHER, "3", "大专", "4", 4, "大学专科学历只适用于小学、初中教师", id="教师-一级-大专"),
        pytest.param(TEACHER, "3", "中专", "4", 5, "中等师范学校毕业学历只适用于小学教师", id="教师-一级-中师"),
        pytest.param(TEACHER, "4", "中专", "5", 3, "中等师范学校毕业学历只适用于小学教师", id="教师-二级-中师"),
        pytest.param(HEALTH, "2", "大专", "3", 7, "县级及以下基层医疗卫生机构", id="卫生-副高-大专"),
        pytest.param(ECONOMICS, "1", "本科", "2", 5, "未能与国家文件原文核实", id="经济-正高"),
    ],
)
def test_a_condition_the_system_cannot_check_goes_to_manual_review(series, target, schooling, lower, years, why):
    facts = applicant(series, target, schooling=schooling, lower=lower, years=years)
    check = rule(facts)
    assert check.passed is None
    assert why in check.detail and check.detail.endswith("由审核部门人工审核。")
    assert overall(precheck(facts)) is None
    # One month short it is a plain failure: nobody needs to look.
    short = rule(dataclasses.replace(facts, current_qualification_obtained=one_month_short(years)))
    assert short.passed is False


def test_a_teacher_college_graduate_with_the_years_is_manual_but_a_bachelor_with_them_passes():
    college = rule(applicant(TEACHER, "3", schooling="大专", lower="4", years=4))
    bachelor = rule(applicant(TEACHER, "3", schooling="本科", lower="4", years=4))
    assert (college.passed, bachelor.passed) == (None, True)


@pytest.mark.parametrize(
    ("series", "target", "text"),
    [
        pytest.param(HEALTH, "3", "卫生系列初级、中级实行以考代评", id="卫生-中级"),
        pytest.param(HEALTH, "4", "卫生系列初级、中级实行以考代评", id="卫生-初级"),
        pytest.param(ECONOMICS, "3", "初级、中级实行以考代评", id="经济-中级"),
        pytest.param(ACCOUNTING, "4", "初级、中级实行以考代评", id="会计-初级"),
        *(
            pytest.param(UNIVERSITY, level, "高校教师职称评审权已下放高校（人社部发〔2020〕100号）", id=f"高校-{level}")
            for level in ("1", "2", "3", "4")
        ),
    ],
)
def test_levels_without_national_years_are_manual_and_say_why(series, target, text):
    results = precheck(applicant(series, target, lower=str(int(target) + 1), years=3))
    check = rule(applicant(series, target, lower=str(int(target) + 1), years=3))
    assert check.passed is None and text in check.detail
    # Every other rule still ran and passed.
    assert [r.passed for r in results if r.code != "education_seniority"] == [True] * 6


def test_the_teacher_direct_rows_doctor_for_first_grade_and_master_for_second_grade():
    assert rule(applicant(TEACHER, "3", schooling="博士")).passed is True
    assert rule(applicant(TEACHER, "4", schooling="硕士")).passed is True
    # A bachelor becomes 二级教师 after one year of 见习 from graduation.
    just = rule(applicant(TEACHER, "4", graduation_date=dt.date(YEAR - 1, 12, 31)))
    short = rule(applicant(TEACHER, "4", graduation_date=dt.date(YEAR, 1, 31)))
    assert (just.passed, short.passed) == (True, False)
    assert short.detail == "需毕业后从事专业技术工作满 1 年，现毕业 11 个月（截至 2026-12-31）。"


def test_a_title_of_another_series_is_not_the_lower_title():
    facts = applicant(TEACHER, "2", lower="3", years=8, current_qualification_series_code="05")
    check = rule(facts)
    assert check.passed is False and "需转评后申报" in check.detail


def test_a_route_without_a_row_leaves_only_the_schooling_to_people():
    facts = applicant(HEALTH, "2", lower="3", years=5, route="02")  # 破格: no national row for 卫生
    results = precheck(facts)
    assert rule(facts).passed is None and "暂无学历资历条件表" in rule(facts).detail
    assert all(r.passed is True for r in results if r.code != "education_seniority")


# ---- 年度考核: penalties shifting the date --------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "target", "lower", "name"),
    [
        (TEACHER, "2", "3", "一级教师"),
        (HEALTH, "2", "3", "主治（主管）医（药、护、技）师"),
        (ACCOUNTING, "1", "2", "高级会计师"),
    ],
)
def test_a_basic_pass_moves_the_date_one_year_and_a_fail_two(series, target, lower, name):
    basic = {2023: "03", YEAR - 1: "02"}
    failed = {2023: "04", YEAR - 1: "02"}
    assert rule(applicant(series, target, lower=lower, years=5, appraisals=basic)).passed is False
    six = applicant(series, target, lower=lower, years=6, appraisals=basic)
    assert rule(six).passed is True
    assert f"满足任{name}满 6 年（含年度考核延长 1 年）的要求" in rule(six).detail
    assert "2023 年度考核基本合格，资历要求延长 1 年" in rule(six, "appraisal").detail
    assert rule(applicant(series, target, lower=lower, years=6, appraisals=failed)).passed is False
    seven = applicant(series, target, lower=lower, years=7, appraisals=failed)
    assert rule(seven).passed is True and "含年度考核延长 2 年" in rule(seven).detail
    # One month short of the extended date still fails.
    late = applicant(series, target, lower=lower, obtained=one_month_short(7), appraisals=failed)
    assert rule(late).passed is False and "现任 6 年 11 个月" in rule(late).detail


def test_penalties_from_before_the_title_do_not_move_the_date():
    facts = applicant(ECONOMICS, "2", lower="3", years=5, appraisals={CUTOFF.year - 6: "04", YEAR - 1: "01"})
    assert rule(facts).passed is True and rule(facts, "appraisal").passed is True


@pytest.mark.parametrize(
    ("code", "passed", "text"),
    [
        ("01", True, "2025 年度考核优秀"),
        ("02", True, "2025 年度考核合格"),
        ("03", False, "2025 年度考核基本合格，须为合格及以上，不能申报。"),
        ("04", False, "2025 年度考核不合格，须为合格及以上，不能申报。"),
        ("05", None, "由审核部门人工审核"),
        (None, None, "未填写 2025 年度考核结果"),
    ],
)
@pytest.mark.parametrize("series", [TEACHER, HEALTH, ECONOMICS, ACCOUNTING, UNIVERSITY, "06"])
def test_last_years_appraisal_must_be_a_pass_in_every_series(series, code, passed, text):
    appraisals = {YEAR - 1: code} if code else {}
    check = rule(applicant(series, "2", lower="3", years=5, appraisals=appraisals), "previous_appraisal")
    assert check.passed is passed and text in check.detail


# ---- 退休年龄 at the round's 申报截止日 ±1 day ------------------------------------------------------


@pytest.mark.parametrize(("sex", "age"), [("男", 60), ("女", 55)])
@pytest.mark.parametrize("series", [TEACHER, HEALTH, ECONOMICS, ACCOUNTING, UNIVERSITY, "06"])
def test_retirement_is_judged_on_the_deadline(series, sex, age):
    birthday_on_deadline = DEADLINE.replace(year=DEADLINE.year - age)

    def retirement(birth):
        return rule(applicant(series, "2", lower="3", years=5, sex=sex, birth_date=birth), "retirement")

    on_the_day = retirement(birthday_on_deadline)
    assert on_the_day.passed is False
    assert on_the_day.detail == (
        f"截至 申报截止日 {DEADLINE.isoformat()} 已满 {age} 岁，达到法定退休年龄 {age} 岁，不能申报。"
    )
    assert retirement(birthday_on_deadline - dt.timedelta(days=1)).passed is False
    day_after = retirement(birthday_on_deadline + dt.timedelta(days=1))
    assert day_after.passed is True and f"年龄 {age - 1} 岁 11 个月" in day_after.detail


def test_without_a_deadline_the_cutoff_is_the_reference():
    facts = applicant(TEACHER, "2", lower="3", years=5, deadline=None, birth_date=dt.date(1966, 12, 31))
    assert rule(facts, "retirement").detail.startswith("截至 2026-12-31 已满 60 岁")


# ---- 诚信记录 and 处分期 ending yesterday, today, tomorrow -----------------------------------------


@pytest.mark.parametrize(("field", "code"), [("integrity_ban_until", "integrity"), ("discipline_until", "discipline")])
@pytest.mark.parametrize("series", [TEACHER, HEALTH, ECONOMICS, ACCOUNTING, UNIVERSITY, "06", "05"])
def test_a_ban_or_a_discipline_period_bars_through_its_last_day(series, field, code):
    def check(last_day):
        return rule(applicant(series, "2", lower="3", years=5, **{field: last_day}), code)

    yesterday, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    assert check(yesterday).passed is True
    assert check(TODAY).passed is False
    assert check(tomorrow).passed is False
    assert "2026年5月20日" in check(TODAY).detail
    assert "届满" in check(yesterday).detail


def test_a_banned_person_fails_overall_even_where_the_schooling_is_manual():
    facts = applicant(UNIVERSITY, "2", lower="3", years=5, integrity_ban_until=TODAY)
    assert rule(facts).passed is None
    assert overall(precheck(facts)) is False


# ---- 继续教育 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("series", [TEACHER, HEALTH, ECONOMICS, ACCOUNTING, UNIVERSITY])
def test_continuing_education_needs_ninety_hours_with_two_thirds_professional(series):
    def check(hours):
        ce = {**CLEAN_CE, 2024: hours}
        return rule(applicant(series, "2", lower="3", years=5, continuing_education=ce), "continuing_education")

    assert check((60, 30)).passed is True  # exactly 90, exactly 2/3
    short = check((60, 29.5))
    assert short.passed is False and "2024 年继续教育 89.5 学时" in short.detail
    share = check((59.5, 30.5))
    assert share.passed is False and "2024 年专业科目 59.5 学时，不足总学时 90 的 2/3" in share.detail
    missing = rule(
        applicant(series, "2", lower="3", years=5, continuing_education={2023: (60, 30), 2025: (60, 30)}),
        "continuing_education",
    )
    assert missing.passed is False and "2024 年无继续教育学时记录" in missing.detail


# ---- cases not listed ----------------------------------------------------------------------------


def test_a_title_obtained_on_february_29_completes_on_the_last_day_of_february():
    """《民法典》第二百零三条: a period ends on the corresponding day, or on the month's last day without one."""

    def check(obtained, cutoff):
        facts = applicant(TEACHER, "2", lower="3", obtained=obtained, cutoff=cutoff)
        return rule(dataclasses.replace(facts, round_year=cutoff.year, appraisals={cutoff.year - 1: "02"}))

    assert check(dt.date(2020, 2, 29), dt.date(2025, 2, 28)).passed is True  # 2025 has no Feb 29
    assert check(dt.date(2020, 2, 29), dt.date(2025, 2, 27)).passed is False
    # Four years to a leap year end on Feb 29 itself: Feb 28 is a day short.
    first_grade = applicant(TEACHER, "3", lower="4", obtained=dt.date(2020, 2, 29), cutoff=dt.date(2024, 2, 28))
    assert rule(first_grade).passed is False
    assert rule(dataclasses.replace(first_grade, cutoff=dt.date(2024, 2, 29))).passed is True


def test_a_degree_without_the_matching_education_counts_like_it():
    # 大专学历 with a 学士学位 (e.g. 专升本 by self-study): the bachelor rows apply.
    facts = applicant(HEALTH, "2", schooling="大专", degree_code="4", lower="3", years=5)
    assert rule(facts).passed is True


def test_a_missing_date_obtained_leaves_the_years_open_in_every_series():
    for series, target, lower in [(TEACHER, "2", "3"), (HEALTH, "1", "2"), (ECONOMICS, "2", "3")]:
        check = rule(applicant(series, target, lower=lower))
        assert check.passed is None and "请填写取得" in check.detail
