"""The judged example: 本科 + 助理工程师 3 years → 工程师 (正常) fails with the numbers; 4 years passes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from title_review.achievements import services as records
from title_review.core.errors import DomainError
from title_review.declarations import precheck, services
from title_review.declarations.models import PLEDGE_VERSION
from title_review.dictionaries.models import Entry
from title_review.rounds import services as rounds

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def engineering_round(users, orgs):
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="工程技术人员")
    middle = Entry.objects.get(type__code="level", name="中级").code
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title=f"{now.year}年度工程师评审",
        year=now.year,
        kind="review",
        series=series,
        committee=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": [middle], "routes": ["01"], "precheck_mode": "block"},
        scope=[orgs["杭州市卫生健康委员会"]],
    )
    return rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)


def _declaration(users, round_, years_as_assistant: int):
    applicant = users["applicant"]
    edu = records.save_record(
        actor=applicant,
        section="education",
        values={
            "school": "浙江工业大学",
            "major": "土木工程",
            "education": "21",
            "degree": "4",
            "enrolled_on": dt.date(2010, 9, 1),
            "graduated_on": dt.date(2014, 7, 1),
        },
    )
    declaration = services.start_declaration(actor=applicant, round_id=round_.pk, pledge_version=PLEDGE_VERSION)
    target = Entry.objects.get(type__code="qualification", name="工程师").code
    assistant = Entry.objects.get(type__code="qualification", name="助理工程师").code
    obtained = dt.date(round_.year - years_as_assistant, 12, 31)
    return services.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": target,
            "current_qualification": assistant,
            "current_qualification_date": obtained,
        },
        picks={"education": [edu.pk]},
        section_data={},
    )


def test_three_years_fail_with_the_numbers_and_block_submission(users, engineering_round):
    declaration = _declaration(users, engineering_round, years_as_assistant=3)
    results, passed = precheck.run(declaration)
    seniority = next(r for r in results if r.code == "education_seniority")
    assert passed is False and seniority.passed is False
    assert "需任助理工程师满 4 年" in seniority.detail and "现任 3 年" in seniority.detail
    with pytest.raises(DomainError, match="资格预审未通过.*需任助理工程师满 4 年"):
        services.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)


def test_four_years_pass_the_seniority_rule(users, engineering_round):
    declaration = _declaration(users, engineering_round, years_as_assistant=4)
    results, _passed = precheck.run(declaration)
    assert next(r for r in results if r.code == "education_seniority").passed is True


def test_the_dossier_page_shows_each_rule(login, users, engineering_round):
    declaration = _declaration(users, engineering_round, years_as_assistant=3)
    text = login("applicant").get(f"/declarations/{declaration.pk}/").content.decode()
    assert "资格预审" in text and "需任助理工程师满 4 年" in text and "未通过" in text


def test_exceptional_route_counts_the_recommenders(users, orgs):
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="工程技术人员")
    senior = Entry.objects.get(type__code="level", name="副高级").code
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="高级工程师评审",
        year=now.year,
        kind="review",
        series=series,
        committee=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": [senior], "routes": ["01", "02"]},
        scope=[orgs["杭州市卫生健康委员会"]],
    )
    rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)
    declaration = services.start_declaration(
        actor=users["applicant"], round_id=round_.pk, pledge_version=PLEDGE_VERSION
    )
    values = {
        "route": "02",
        "target_qualification": Entry.objects.get(type__code="qualification", name="高级工程师").code,
        "current_qualification": Entry.objects.get(type__code="qualification", name="工程师").code,
        "current_qualification_date": dt.date(now.year - 2, 6, 1),
        "recommenders": ["张正高"],
    }
    declaration = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values=values,
        picks={},
        section_data={},
    )
    results, _passed = precheck.run(declaration)
    rule = next(r for r in results if r.code == "recommendation")
    assert rule.passed is False and "现有 1 名" in rule.detail
    # A name with a right-to-left override is refused at the field, and the saved list stays as it was.
    with pytest.raises(DomainError) as refused:
        services.save_declaration(
            actor=users["applicant"],
            declaration_id=declaration.pk,
            version=declaration.version,
            values={**values, "recommenders": ["张正高", "李\u202e正高"]},
            picks={},
            section_data={},
        )
    assert refused.value.field == "recommenders"
    assert refused.value.message == "破格推荐专家含有不可见的控制字符，请删除后重新输入。"
    declaration.refresh_from_db()
    assert declaration.recommenders == ["张正高"]
    values["recommenders"] = ["张正高", "李正高"]
    declaration = services.save_declaration(
        actor=users["applicant"],
        declaration_id=declaration.pk,
        version=declaration.version,
        values=values,
        picks={},
        section_data={},
    )
    results, _passed = precheck.run(declaration)
    assert next(r for r in results if r.code == "recommendation").passed is True
