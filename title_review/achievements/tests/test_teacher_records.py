"""中小学教师 records: 公开课 rows with their proof, 论文 with the 知网 screenshot and URL, the 教育理论 mark."""

import datetime as dt
from decimal import Decimal

import pytest

from title_review.achievements import services, teacher
from title_review.achievements.models import Achievement
from title_review.achievements.selectors import proofs_of
from title_review.achievements.tests.helpers import open_lesson, paper, proof
from title_review.attachments.models import Attachment
from title_review.core.errors import DomainError


@pytest.mark.parametrize(("year", "mark"), [(2009, 60), (2010, 60), (2011, 70), (2025, 70)])
def test_theory_pass_mark_of_the_year(year, mark):
    assert teacher.theory_pass_mark(year) == mark


@pytest.mark.parametrize("value", ["-1", "100.5", "101", "abc", "NaN", "Infinity"])
def test_a_theory_mark_outside_0_to_100_is_refused(value):
    with pytest.raises(DomainError, match="教育理论成绩请填写 0 到 100 之间的数字"):
        teacher.clean_theory_score(value)


def test_theory_marks_and_years_in_range():
    assert teacher.clean_theory_score(" 0 ") == Decimal(0)
    assert teacher.clean_theory_score("100") == Decimal(100)
    assert teacher.clean_theory_score("") is None
    assert teacher.clean_theory_year("2011", today=dt.date(2026, 1, 1)) == 2011
    for bad in ("1989", "2027", "20x1"):
        with pytest.raises(DomainError, match="教育理论考试年度"):
            teacher.clean_theory_year(bad, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("score", "year", "verdict"),
    [
        (60, 2010, ""),
        (59.5, 2010, "教育理论成绩 59.5 分低于 2010 年的合格线 60 分"),
        (65, 2011, "教育理论成绩 65 分低于 2011 年的合格线 70 分"),
        (70, 2011, ""),
        (65, None, ""),
    ],
)
def test_theory_verdict(score, year, verdict):
    assert teacher.theory_verdict(score, year) == verdict


def test_an_open_lesson_needs_its_proof_and_nothing_is_saved_without(users):
    person = users["applicant"]
    values = {"category": "open_lesson", "title": "函数的单调性", "date": dt.date(2024, 4, 18), "lesson_level": "city"}
    with pytest.raises(DomainError, match="请上传这节公开课的证明材料"):
        services.save_record(actor=person, section="achievement", values=values)
    assert not Achievement.objects.filter(owner=person).exists()
    with pytest.raises(DomainError, match="请选择公开课级别"):
        services.save_record(
            actor=person, section="achievement", values={**values, "lesson_level": ""}, proof_id=proof(person).pk
        )
    row = services.save_record(actor=person, section="achievement", values=values, proof_id=proof(person).pk)
    assert row.get_lesson_level_display() == "市级" and row.pk in proofs_of([row])


@pytest.mark.parametrize("title", ["市级精品课展示", "青年教师评优课", "基本功比赛展示课", "教学设计比赛获奖课"])
def test_lessons_the_manual_says_are_not_open_lessons(users, title):
    with pytest.raises(DomainError, match="不属于公开课"):
        open_lesson(users["applicant"], title=title)


def test_a_paper_is_verified_only_with_screenshot_and_url(users):
    person = users["applicant"]
    lesson = open_lesson(person)
    good = paper(person)
    indexed_only = paper(person, title="仅收录的论文", link="", shot=False)
    no_shot = paper(person, title="无截图的论文", shot=False)
    rows = [lesson, good, indexed_only, no_shot]
    gaps = teacher.dossier_gaps(rows, proofs_of(rows))
    assert gaps == [
        "论文“仅收录的论文”的知网截图和网址（仅“知网收录”不能证明符合评审要求）",
        "论文“无截图的论文”的知网截图和网址（仅“知网收录”不能证明符合评审要求）",
    ]
    assert teacher.dossier_gaps([good], proofs_of([good]))[0].startswith("公开课")
    assert teacher.open_lesson_summary(rows) == "2024-04-18 县级 函数的单调性"


def test_the_records_page_keeps_what_was_typed_and_lists_lessons(login, users, django_assert_max_num_queries):
    client = login("applicant")
    data = {
        "add-category": "open_lesson",
        "add-title": "圆的面积",
        "add-date": "2024-10-09",
        "add-lesson_level": "province",
    }
    page = client.post("/achievements/achievement/", data).content.decode()
    assert "请上传这节公开课的证明材料" in page and 'value="圆的面积"' in page
    assert "精品课、评优课" in page  # the manual's note beside the form
    assert not Achievement.objects.exists()
    uploaded = proof(users["applicant"], "公开课证明.png")
    page = client.post("/achievements/achievement/", {**data, "proof": uploaded.pk}, follow=True).content.decode()
    assert "已保存到“业绩成果”" in page and "圆的面积" in page and "省级" in page and "公开课证明.png" in page
    assert Attachment.objects.get(pk=uploaded.pk).target_id == Achievement.objects.get().pk
    paper(users["applicant"], title="仅收录的论文", link="", shot=False)
    for i in range(5):
        open_lesson(users["applicant"], title=f"公开课{i}")
    with django_assert_max_num_queries(20):
        page = client.get("/achievements/achievement/").content.decode()
    assert "缺知网截图或网址" in page and page.count('data-testid="record-row"') == 7


def test_someone_elses_upload_is_not_taken(login, users):
    other = proof(users["teacher"])
    client = login("applicant")
    data = {
        "add-category": "open_lesson",
        "add-title": "圆的面积",
        "add-date": "2024-10-09",
        "add-lesson_level": "school",
        "proof": other.pk,
    }
    page = client.post("/achievements/achievement/", data).content.decode()
    assert "附件不存在或已删除" in page and not Achievement.objects.exists()


def test_an_open_lesson_through_the_api_needs_its_proof(login, users):
    client = login("applicant")
    lesson = {"category": "open_lesson", "title": "圆的面积", "date": "2024-10-09", "lesson_level": "national"}
    bad = client.post("/api/v1/achievements/achievement/", lesson, content_type="application/json")
    assert bad.status_code == 400 and "请上传这节公开课的证明材料" in bad.json()["message"]
    assert not Achievement.objects.exists()
    uploaded = proof(users["applicant"])
    good = client.post(
        "/api/v1/achievements/achievement/", {**lesson, "proof_id": uploaded.pk}, content_type="application/json"
    )
    assert good.status_code == 201 and good.json()["lesson_level"] == "national"
    assert Attachment.objects.get(pk=uploaded.pk).target_id == good.json()["id"]
