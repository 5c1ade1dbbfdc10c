"""资格预审 as an applicant meets it: given the facts of a declaration, which rules pass and why."""

import dataclasses
import datetime as dt
from fractions import Fraction

import pytest

from title_review.eligibility.evaluate import months_between, overall, precheck
from title_review.eligibility.facts import ApplicantFacts
from title_review.eligibility.policy import Policy, reform_delay_months

CLEAN_CE = {2022: (60, 30), 2023: (60, 30), 2024: (60, 30)}


def engineer(**changes):
    """A 本科 助理工程师 applying for 工程师 (正常) in the 2025 round, with everything else in order."""
    base = ApplicantFacts(
        series_code="05",
        target_level="3",
        route="01",
        education_code="21",
        degree_code="4",
        round_year=2025,
        current_qualification_level="4",
        current_qualification_obtained=dt.date(2021, 7, 1),
        current_qualification_series_code="05",
        birth_date=dt.date(1995, 3, 15),
        sex="男",
        appraisals={2021: "02", 2022: "02", 2023: "01", 2024: "02"},
        continuing_education=CLEAN_CE,
    )
    return dataclasses.replace(base, **changes)


def result(results, code):
    (found,) = [r for r in results if r.code == code]
    return found


def test_the_judged_example_bachelor_with_three_years_as_assistant_engineer_fails_with_numbers():
    results = precheck(engineer(current_qualification_obtained=dt.date(2022, 10, 1)))
    seniority = result(results, "education_seniority")
    assert seniority.passed is False
    assert "需任助理工程师满 4 年" in seniority.detail
    assert "现任 3 年 2 个月" in seniority.detail
    assert overall(results) is False


def test_with_four_years_the_same_engineer_passes_everything():
    results = precheck(engineer(current_qualification_obtained=dt.date(2021, 10, 1)))
    assert result(results, "education_seniority").passed is True
    assert "任助理工程师 4 年 2 个月" in result(results, "education_seniority").detail
    assert [r.label for r in results] == [
        "学历与资历",
        "年度考核",
        "上一年度考核",
        "继续教育",
        "退休年龄",
        "诚信记录",
        "处分期",
    ]
    assert [r.passed for r in results] == [True] * 7
    assert overall(results) is True


def test_the_years_are_complete_on_the_anniversary_and_not_a_day_earlier():
    on_time = precheck(engineer(current_qualification_obtained=dt.date(2021, 12, 31)))
    assert result(on_time, "education_seniority").passed is True
    late = result(precheck(engineer(current_qualification_obtained=dt.date(2022, 1, 1))), "education_seniority")
    assert late.passed is False
    assert "现任 3 年 11 个月" in late.detail


def test_a_different_cutoff_moves_the_count():
    facts = engineer(current_qualification_obtained=dt.date(2021, 12, 31), cutoff=dt.date(2025, 11, 30))
    assert "现任 3 年 11 个月" in result(precheck(facts), "education_seniority").detail


def test_months_are_counted_by_the_civil_code_rule():
    assert months_between(dt.date(2021, 1, 31), dt.date(2021, 2, 28)) == 1  # no Feb 31: month end
    assert months_between(dt.date(2021, 1, 15), dt.date(2021, 2, 14)) == 0
    assert months_between(dt.date(2020, 2, 29), dt.date(2021, 2, 28)) == 12
    assert months_between(dt.date(2020, 2, 29), dt.date(2024, 2, 28)) == 47  # 2024 has a Feb 29
    assert months_between(dt.date(2026, 1, 1), dt.date(2025, 12, 31)) == 0


def test_a_doctor_applies_for_engineer_directly():
    facts = engineer(
        education_code="11",
        degree_code="2",
        current_qualification_level=None,
        current_qualification_obtained=None,
        current_qualification_series_code=None,
    )
    results = precheck(facts)
    seniority = result(results, "education_seniority")
    assert seniority.passed is True
    assert "无资历年限要求" in seniority.detail
    assert result(results, "appraisal").passed is None


def test_a_master_degree_needs_only_two_years():
    facts = engineer(education_code="14", degree_code="3", current_qualification_obtained=dt.date(2023, 12, 1))
    assert result(precheck(facts), "education_seniority").passed is True


def test_a_bachelor_degree_alone_counts_like_the_bachelor_education():
    facts = engineer(education_code="31", degree_code="4", current_qualification_obtained=dt.date(2021, 12, 1))
    assert result(precheck(facts), "education_seniority").passed is True


def test_secondary_school_is_not_enough_for_engineer():
    facts = engineer(education_code="41", degree_code="0")
    seniority = result(precheck(facts), "education_seniority")
    assert seniority.passed is False
    assert seniority.detail == "需具备大学专科及以上学历（学位），现为中等职业学校。"


def test_without_the_lower_title_the_detail_says_which_one_is_missing():
    facts = engineer(current_qualification_level=None, current_qualification_obtained=None)
    seniority = result(precheck(facts), "education_seniority")
    assert seniority.passed is False
    assert seniority.detail == "需取得助理工程师资格并任职满 4 年，现无专业技术资格。"


def test_a_title_of_another_series_must_be_transferred_first():
    seniority = result(precheck(engineer(current_qualification_series_code="19")), "education_seniority")
    assert seniority.passed is False
    assert "其他系列的初级资格（需转评后申报）" in seniority.detail


def test_a_missing_date_obtained_leaves_the_check_open():
    seniority = result(precheck(engineer(current_qualification_obtained=None)), "education_seniority")
    assert seniority.passed is None
    assert "请填写取得助理工程师资格的时间" in seniority.detail


def test_assistant_engineer_counts_the_bachelor_internship_from_graduation():
    facts = engineer(
        target_level="4",
        current_qualification_level=None,
        current_qualification_obtained=None,
        graduation_date=dt.date(2025, 7, 1),
    )
    seniority = result(precheck(facts), "education_seniority")
    assert seniority.passed is False
    assert seniority.detail == "需毕业后从事专业技术工作满 1 年，现毕业 5 个月（截至 2025-12-31）。"
    passed = precheck(dataclasses.replace(facts, graduation_date=dt.date(2024, 7, 1)))
    assert result(passed, "education_seniority").passed is True
    unknown = precheck(dataclasses.replace(facts, graduation_date=None))
    assert result(unknown, "education_seniority").passed is None


# ---- 破格 -------------------------------------------------------------------------------------


def breakthrough(recommenders):
    return engineer(
        target_level="2",
        route="02",
        education_code="31",
        degree_code="0",
        current_qualification_level="3",
        current_qualification_obtained=dt.date(2023, 6, 1),
        recommenders=recommenders,
    )


def test_breakthrough_with_one_recommender_fails():
    results = precheck(breakthrough(1))
    assert result(results, "education_seniority").passed is True
    recommendation = result(results, "recommendation")
    assert recommendation.passed is False
    assert recommendation.detail == "需 2 名正高级专家推荐，现有 1 名。"


def test_breakthrough_with_two_recommenders_passes():
    results = precheck(breakthrough(2))
    assert result(results, "recommendation").passed is True
    assert overall(results) is True


def test_breakthrough_shows_a_bad_appraisal_for_manual_review():
    appraisal = result(precheck(dataclasses.replace(breakthrough(2), appraisals={2024: "04"})), "appraisal")
    assert appraisal.passed is None
    assert appraisal.detail == "无资历年限要求，2024 年度考核不合格，由审核部门人工审核。"


def test_breakthrough_still_needs_the_lower_title():
    facts = dataclasses.replace(breakthrough(2), current_qualification_level="4")
    assert result(precheck(facts), "education_seniority").passed is False


def test_normal_route_has_no_recommendation_result():
    assert all(r.code != "recommendation" for r in precheck(engineer()))


# ---- 年度考核 ---------------------------------------------------------------------------------


def test_one_basic_pass_extends_the_years_by_one():
    facts = engineer(current_qualification_obtained=dt.date(2021, 6, 30), appraisals={2023: "03"})
    results = precheck(facts)
    appraisal = result(results, "appraisal")
    assert appraisal.passed is False
    assert "2023 年度考核基本合格，资历要求延长 1 年" in appraisal.detail
    seniority = result(results, "education_seniority")
    assert seniority.passed is False
    assert "需任助理工程师满 5 年（含年度考核延长 1 年），现任 4 年 6 个月" in seniority.detail


def test_a_fail_extends_the_years_by_two():
    facts = engineer(current_qualification_obtained=dt.date(2019, 12, 1), appraisals={2022: "04"})
    results = precheck(facts)
    assert "2022 年度考核不合格，资历要求延长 2 年" in result(results, "appraisal").detail
    assert "满 6 年" in result(results, "education_seniority").detail
    assert result(results, "education_seniority").passed is True
    assert result(results, "appraisal").passed is True


def test_penalties_add_up():
    facts = engineer(current_qualification_obtained=dt.date(2018, 1, 1), appraisals={2019: "03", 2022: "04"})
    seniority = result(precheck(facts), "education_seniority")
    assert seniority.passed is True
    assert "满足任助理工程师满 7 年（含年度考核延长 3 年）的要求" in seniority.detail


def test_appraisals_before_the_title_do_not_count():
    facts = engineer(current_qualification_obtained=dt.date(2021, 10, 1), appraisals={2020: "04"})
    results = precheck(facts)
    assert result(results, "education_seniority").passed is True
    assert result(results, "appraisal").passed is True


def test_the_delays_come_from_the_policy():
    facts = engineer(current_qualification_obtained=dt.date(2021, 10, 1), appraisals={2023: "03"})
    lenient = Policy(appraisal_delays={"01": 0, "02": 0, "03": 0, "04": 2, "05": 0})
    assert result(precheck(facts, policy=lenient), "education_seniority").passed is True
    assert result(precheck(facts), "education_seniority").passed is False


def test_an_unknown_appraisal_code_goes_to_manual_review():
    facts = engineer(appraisals={2023: "99"})
    assert result(precheck(facts), "appraisal").passed is None


# ---- 继续教育 ---------------------------------------------------------------------------------


def test_sixty_hours_in_a_year_fails_naming_the_year():
    ce = {**CLEAN_CE, 2023: (40, 20)}
    check = result(precheck(engineer(continuing_education=ce)), "continuing_education")
    assert check.passed is False
    assert check.detail == "2023 年继续教育 60 学时（专业科目 40、公需科目 20），不足 90 学时。"


def test_a_professional_share_below_two_thirds_fails():
    ce = {**CLEAN_CE, 2024: (59.5, 30)}
    check = result(precheck(engineer(continuing_education=ce)), "continuing_education")
    assert check.passed is False
    assert check.detail == "2024 年继续教育 89.5 学时（专业科目 59.5、公需科目 30），不足 90 学时。"

    ce = {**CLEAN_CE, 2024: (66, 34)}
    check = result(precheck(engineer(continuing_education=ce)), "continuing_education")
    assert check.passed is False
    assert check.detail == "2024 年专业科目 66 学时，不足总学时 100 的 2/3（需不少于 66.7 学时）。"


def test_exactly_two_thirds_passes_without_float_rounding():
    # 0.1-style decimals would drift as floats; 2/3 of 90.3 is exactly 60.2.
    ce = {**CLEAN_CE, 2024: (60.2, 30.1)}
    assert result(precheck(engineer(continuing_education=ce)), "continuing_education").passed is True


def test_a_missing_year_fails():
    ce = {2022: (60, 30), 2024: (60, 30)}
    check = result(precheck(engineer(continuing_education=ce)), "continuing_education")
    assert check.passed is False
    assert check.detail == "2023 年无继续教育学时记录。"


def test_missing_years_are_named_together():
    check = result(precheck(engineer(continuing_education={2024: (60, 30)})), "continuing_education")
    assert check.detail == "2022、2023 年无继续教育学时记录。"


def test_the_years_and_hours_come_from_the_policy():
    ce = {2023: (48, 24), 2024: (48, 24)}
    policy = Policy(ce_hours=72, ce_years=2, ce_professional_share=Fraction(2, 3))
    assert result(precheck(engineer(continuing_education=ce), policy=policy), "continuing_education").passed


def test_years_up_to_graduation_are_not_required():
    facts = engineer(graduation_date=dt.date(2023, 7, 1), continuing_education={2024: (60, 30)})
    assert result(precheck(facts), "continuing_education").passed is True


# ---- 退休年龄 ---------------------------------------------------------------------------------


def test_a_man_of_sixty_at_the_cutoff_cannot_apply():
    check = result(precheck(engineer(birth_date=dt.date(1965, 12, 31))), "retirement")
    assert check.passed is False
    assert check.detail == "截至 2025-12-31 已满 60 岁，达到法定退休年龄 60 岁，不能申报。"
    assert result(precheck(engineer(birth_date=dt.date(1966, 1, 1))), "retirement").passed is True


def test_a_woman_retires_at_fifty_five_by_default():
    assert result(precheck(engineer(sex="女", birth_date=dt.date(1970, 6, 1))), "retirement").passed is False
    assert result(precheck(engineer(sex="女", birth_date=dt.date(1971, 1, 1))), "retirement").passed is True


def test_retirement_ages_are_configurable():
    policy = Policy(retirement_female=60)
    facts = engineer(sex="女", birth_date=dt.date(1970, 6, 1))
    assert result(precheck(facts, policy=policy), "retirement").passed is True


def test_the_gradual_reform_is_opt_in():
    # Born 1965-11: 60 years 1 month at the cutoff; the reform moves his age to 60 years 3 months.
    facts = engineer(birth_date=dt.date(1965, 11, 10))
    assert result(precheck(facts), "retirement").passed is False
    reform = Policy(gradual_retirement_reform=True)
    check = result(precheck(facts, policy=reform), "retirement")
    assert check.passed is True
    assert "未达法定退休年龄 60 岁 3 个月" in check.detail


@pytest.mark.parametrize(
    ("age", "year", "month", "months"),
    [
        (60, 1964, 12, 0),
        (60, 1965, 1, 1),
        (60, 1965, 5, 2),
        (60, 1971, 1, 19),
        (60, 1976, 9, 36),
        (60, 1990, 1, 36),
        (55, 1970, 1, 1),
        (55, 1981, 9, 36),
        (50, 1975, 1, 1),
        (50, 1975, 3, 2),
        (50, 1984, 11, 60),
        (58, 1980, 1, 0),
    ],
)
def test_reform_delay_schedule(age, year, month, months):
    assert reform_delay_months(age, year, month) == months


def test_missing_birth_date_leaves_retirement_open():
    assert result(precheck(engineer(birth_date=None)), "retirement").passed is None


# ---- 诚信 -------------------------------------------------------------------------------------


def test_an_integrity_ban_beyond_the_cutoff_fails():
    check = result(precheck(engineer(integrity_ban_until=dt.date(2026, 6, 30))), "integrity")
    assert check.passed is False
    assert check.detail == "存在诚信记录，禁止申报至 2026年6月30日。"
    assert result(precheck(engineer(integrity_ban_until=dt.date(2025, 12, 31))), "integrity").passed is False
    expired = result(precheck(engineer(integrity_ban_until=dt.date(2025, 12, 30))), "integrity")
    assert expired.passed is True
    assert expired.detail == "诚信记录的禁止申报期限已于 2025年12月30日 届满。"


def test_a_ban_still_running_on_the_day_of_the_check_fails_even_if_it_ends_before_the_cutoff():
    """Filed on 2025-03-10 while barred until 2025-06-30: the 2025 cutoff (Dec 31) must not let it pass."""
    march = dt.date(2025, 3, 10)
    running = result(precheck(engineer(integrity_ban_until=dt.date(2025, 6, 30), checked_on=march)), "integrity")
    assert running.passed is False
    assert running.detail == "存在诚信记录，禁止申报至 2025年6月30日。"
    last_day = result(precheck(engineer(integrity_ban_until=march, checked_on=march)), "integrity")
    assert last_day.passed is False
    day_after = precheck(engineer(integrity_ban_until=march, checked_on=dt.date(2025, 3, 11)))
    assert result(day_after, "integrity").passed is True
    assert result(precheck(engineer(checked_on=march)), "integrity").detail == "无诚信档案限制申报记录。"


# ---- no rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("series", "level", "route"), [("06", "2", "01"), ("05", "3", "02"), ("05", "3", "03")])
def test_without_a_rule_row_only_the_schooling_is_left_to_people(series, level, route):
    results = precheck(engineer(series_code=series, target_level=level, route=route))
    seniority = result(results, "education_seniority")
    assert seniority.passed is None
    assert seniority.detail.startswith("该系列（级别、申报方式）暂无学历资历条件表，由审核部门人工审核")
    # The universal rules still run and pass on their own.
    assert [r.passed for r in results if r.code != "education_seniority"] == [True] * 6
    assert overall(results) is None
    banned = precheck(
        engineer(series_code=series, target_level=level, route=route, integrity_ban_until=dt.date(2026, 1, 1))
    )
    assert result(banned, "integrity").passed is False
    assert overall(banned) is False


def test_facts_cannot_be_changed_behind_a_result():
    facts = engineer()
    with pytest.raises(TypeError):
        facts.appraisals[2025] = "04"  # type: ignore[index]
    assert facts.cutoff_date == dt.date(2025, 12, 31)
