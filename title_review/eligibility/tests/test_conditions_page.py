"""申报条件 page: every signed-in person reads the universal rules with their numbers and each series table with
its document and clauses; the rows people decide say why; the page reads no table of its own."""

import json
from pathlib import Path

import pytest

from title_review.eligibility import explain
from title_review.eligibility.policy import Policy
from title_review.eligibility.rules import RULES, SERIES_DOCUMENTS, SERIES_NAMES

URL = "/eligibility/conditions/"
SEED = Path(__file__).resolve().parents[2] / "dictionaries" / "seed" / "national.json"
PERSONAS = ["zjadmin", "hzadmin", "hzcheck", "wjwadmin", "hospitaladmin", "schooladmin", "applicant", "teacher"]


def test_series_names_are_those_of_the_national_code_set():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    series = {e["code"]: e["name"] for t in data["types"] if t["code"] == "series" for e in t["entries"]}
    assert {code: series[code] for code in SERIES_NAMES} == dict(SERIES_NAMES)
    assert set(SERIES_DOCUMENTS) == set(SERIES_NAMES) == {r.series_code for r in RULES}


def test_every_rule_row_is_explained_once_with_its_clause():
    tables = {t.code: t for t in explain.series_tables()}
    assert sum(len(t.rows) for t in tables.values()) == len(RULES)
    teacher = {row.qualification: row for row in tables["22"].rows}
    first_grade = teacher["一级教师（中级）"]
    assert first_grade.conditions == (
        "博士及以上学历（学位），无资历年限要求",
        "硕士及以上学历（学位），取得二级教师资格后满 2 年",
        "大学本科及以上学历（学位），取得二级教师资格后满 4 年",
        "大学专科及以上学历（学位），取得二级教师资格后满 4 年（大学专科学历只适用于小学、初中教师（系统无法核对学段），"
        "符合时由审核部门人工审核）",
        "中等职业学校及以上学历（学位），取得二级教师资格后满 5 年（中等师范学校毕业学历只适用于小学教师"
        "（系统无法核对学段），符合时由审核部门人工审核）",
    )
    assert "人社部发〔2015〕79号" in first_grade.source
    breakthrough = next(r for r in tables["05"].rows if r.route == "破格申报")
    assert breakthrough.conditions[-1] == "须 2 名正高级专家推荐"
    accountant = next(r for r in tables["17"].rows if r.qualification == "会计师（中级）")
    assert accountant.conditions == () and "以考代评" in accountant.manual


def test_the_universal_rules_show_the_policy_numbers():
    text = dict(explain.universal_rules(Policy(ce_hours=72, retirement_female=58)))
    assert "每年不少于 72 学时，其中专业科目不少于 2/3" in text["继续教育"]
    assert "男 60 岁、女 58 岁" in text["退休年龄"]
    assert "延长 1 年" in text["年度考核"] and "延长 2 年" in text["年度考核"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_person_reads_the_page(login, users, persona, django_assert_max_num_queries):
    client = login(persona)
    with django_assert_max_num_queries(9):  # 8, and the precheck's 参数设置 (one query, then cached)
        response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    for code, name in SERIES_NAMES.items():
        assert f'id="series-{code}"' in text and name in text
    assert "人社部 国家卫生健康委 国家中医药局《关于深化卫生专业技术人员职称制度改革的指导意见》" in text
    assert "高校教师职称评审权已下放高校" in text
    assert "大学专科学历的医师须在县级及以下基层医疗卫生机构工作" in text
    assert "高级会计师实行考评结合" in text
    assert "每年不少于 90 学时，其中专业科目不少于 2/3" in text
    assert "诚信档案记录期限内（含最后一日）不得申报" in text


def test_a_visitor_is_sent_to_sign_in(client, seeded):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
