"""中小学教师 (issue 15 point 6): an applicant enters 公开课 rows with their proofs and a 论文 with its 知网
screenshot and URL in the 业绩档案, picks them in the dossier and gives an 教育理论 mark (one outside 0-100
refused, nothing lost); the unit's reviewer sees the 思政 slot for a 39-year-old and not for a 41-year-old."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .pages import field, sign_in, submit

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _round(series_section: str = "teacher", scope: str = "杭州市卫生健康委员会"):
    from title_review.accounts.models import User
    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import Organisation
    from title_review.rounds import services as rounds

    admin = User.objects.get(username="hzadmin")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=admin,
        publisher=Organisation.objects.get(name="杭州市职称工作领导小组办公室"),
        title="2026年度中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=admin,
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"], "series_section": series_section},
        scope=[Organisation.objects.get(name=scope)],
    )
    return rounds.publish_round(actor=admin, round_id=round_.pk)


def _png(tmp_path, name: str):
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (60, 80), "white").save(path)
    return path


def _add_row(page, values: dict[str, str], proof=None) -> None:
    form = page.locator("details.card")
    if form.get_attribute("open") is None:
        page.get_by_text("新增业绩成果").click()
    field(page, "类别").select_option(label=values["类别"])
    field(page, "名称（题目）/ 公开课课题").fill(values["课题"])
    field(page, "时间").fill(values["时间"])
    if "级别" in values:
        field(page, "公开课级别").select_option(label=values["级别"])
    if "网址" in values:
        field(page, "知网等链接").fill(values["网址"])
    if proof is not None:
        block = page.get_by_test_id("attachment-proof")
        block.get_by_label("证明材料").set_input_files(proof)
        block.get_by_role("button", name="上传").click()
        expect(block.get_by_test_id("attachment-name")).to_have_text(proof.name)
    submit(page, "保存")


def test_a_teacher_dossier_with_open_lessons_a_paper_and_the_theory_mark(page, site, tmp_path):
    round_ = _round()
    sign_in(page, "applicant")
    page.goto("/achievements/achievement/")
    expect(page.get_by_test_id("open-lesson-note")).to_contain_text("精品课、评优课")
    lesson = {"类别": "公开课", "课题": "函数的单调性", "时间": "2024-04-18", "级别": "县级"}
    _add_row(page, lesson)
    expect(page.get_by_text("请上传这节公开课的证明材料").first).to_be_visible()
    expect(field(page, "名称（题目）/ 公开课课题")).to_have_value("函数的单调性")  # nothing typed is lost
    _add_row(page, lesson, proof=_png(tmp_path, "县级公开课证明.png"))
    expect(page.get_by_text("已保存到“业绩成果”")).to_be_visible()
    _add_row(
        page,
        {"类别": "公开课", "课题": "圆的面积", "时间": "2025-03-12", "级别": "市级"},
        proof=_png(tmp_path, "市级公开课证明.png"),
    )
    _add_row(
        page,
        {
            "类别": "论文",
            "课题": "例谈函数教学",
            "时间": "2023-05-01",
            "网址": "https://kns.cnki.net/kcms/detail/a.html",
        },
        proof=_png(tmp_path, "知网截图.png"),
    )
    rows = page.get_by_test_id("record-row")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="例谈函数教学")).to_contain_text("知网截图和网址齐全")
    expect(rows.filter(has_text="圆的面积")).to_contain_text("市级")

    page.goto(f"/rounds/{round_.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="我要申报").click()
    page.get_by_label("我已阅读并同意以上真实性承诺").check()
    submit(page, "开始申报")
    lessons = page.get_by_test_id("open-lessons")
    expect(lessons).to_contain_text("县级公开课证明.png")
    expect(lessons).to_contain_text("圆的面积")
    for title in ("函数的单调性", "圆的面积", "例谈函数教学"):
        page.get_by_label(title).check()
    field(page, "拟评审类型").select_option("正常晋升")
    field(page, "学生满意度（0–100，不带 %）").fill("96")
    field(page, "教育理论成绩（0–100）").fill("120")
    field(page, "教育理论考试年度").fill("2011")
    submit(page, "保存")
    expect(page.get_by_text("教育理论成绩请填写 0 到 100 之间的数字。")).to_be_visible()
    expect(field(page, "学生满意度（0–100，不带 %）")).to_have_value("96")  # nothing lost
    expect(page.get_by_label("圆的面积")).to_be_checked()
    field(page, "教育理论成绩（0–100）").fill("65")
    submit(page, "保存")
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.get_by_text("教育理论成绩 65 分低于 2011 年的合格线 70 分")).to_be_visible()
    field(page, "教育理论成绩（0–100）").fill("85")
    submit(page, "保存")
    expect(page.get_by_text("合格线")).to_have_count(0)
    expect(page.get_by_test_id("papers")).to_contain_text("知网截图和网址齐全")
    expect(page.get_by_text("中小学教师专项：")).to_have_count(0)  # the section is complete

    from title_review.declarations.models import Declaration

    saved = Declaration.objects.get(round=round_)
    assert saved.section_data["theory_score"] == 85 and saved.section_data["theory_year"] == 2011
    assert saved.section_data["open_lesson"] == "2024-04-18 县级 函数的单调性；2025-03-12 市级 圆的面积"


def test_the_ideology_slot_follows_the_age_at_the_deadline(page, site):
    from django.utils import timezone

    from title_review.accounts.models import User
    from title_review.organisations.models import Organisation
    from title_review.reviews import services
    from title_review.reviews.tests.factories import submit_for

    round_ = _round(series_section="", scope="杭州市教育局")
    teacher = User.objects.get(username="teacher")
    school = Organisation.objects.get(name="杭州第二中学")
    services.set_required_slots(
        actor=User.objects.get(username="schooladmin"),
        employer_id=school.pk,
        slots=["opinion_ethics", "opinion_ideology"],
    )
    declaration = submit_for(teacher, round_)
    deadline = timezone.localdate(round_.closes_at)

    def aged(years: int) -> None:
        teacher.birth_date = deadline.replace(year=deadline.year - years) - dt.timedelta(days=30)
        teacher.save(update_fields=["birth_date"])

    aged(39)
    sign_in(page, "schooladmin")
    page.goto(f"/reviews/track/{declaration.pk}/")
    expect(page.get_by_text("内部审核意见")).to_be_visible()
    expect(page.get_by_label("思政意见")).to_be_visible()
    expect(page.get_by_label("师德意见")).to_be_visible()
    aged(41)
    page.reload()
    expect(page.get_by_label("师德意见")).to_be_visible()
    expect(page.get_by_label("思政意见")).to_have_count(0)
