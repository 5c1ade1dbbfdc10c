"""An applicant declares in a 中小学教师 round with every section, is logged out mid-form, and finds
everything again after signing in; the completeness check names what is missing; 提交 works."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .pages import field, sign_in, submit

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def teacher_round(site):
    from title_review.accounts.models import User
    from title_review.achievements import services as records
    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import Organisation
    from title_review.rounds import services as rounds

    admin = User.objects.get(username="hzadmin")
    applicant = User.objects.get(username="applicant")
    hz = Organisation.objects.get(name="杭州市职称工作领导小组办公室")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=admin,
        publisher=hz,
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
        changes={"levels": levels, "routes": ["01"], "series_section": "teacher"},
        scope=[Organisation.objects.get(name="杭州市卫生健康委员会")],
    )
    rounds.publish_round(actor=admin, round_id=round_.pk)
    records.save_record(
        actor=applicant,
        section="education",
        values={
            "school": "杭州师范大学",
            "major": "数学教育",
            "education": "21",
            "enrolled_on": dt.date(2008, 9, 1),
            "graduated_on": dt.date(2012, 7, 1),
        },
    )
    records.save_record(
        actor=applicant,
        section="work",
        values={
            "employer_name": "杭州市第一人民医院",
            "position": "健康教育讲师",
            "started_on": dt.date(2012, 8, 1),
            "referee": "王主任",
        },
    )
    records.save_record(actor=applicant, section="appraisal", values={"year": 2025, "result": "01"})
    # 公开课 are rows of the 业绩档案, each with its proof (tests/browser/test_teacher_dossier.py enters them).
    from title_review.achievements.tests.helpers import open_lesson

    open_lesson(applicant, title="函数的单调性", level="county")
    return round_


def test_declare_with_every_section_through_a_lost_login(page, teacher_round, tmp_path):
    sign_in(page, "applicant")
    page.goto(f"/rounds/{teacher_round.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="我要申报").click()
    page.get_by_label("我已阅读并同意以上真实性承诺").check()
    submit(page, "开始申报")
    expect(page.get_by_text("提交前还需完善")).to_be_visible()
    expect(page.get_by_text("中小学教师专项：拟评审类型")).to_be_visible()

    field(page, "申报资格").select_option(label="一级教师")
    field(page, "取得现有资格时间").fill("2019-12-01")
    page.get_by_label("杭州师范大学 数学教育").check()
    page.get_by_label("杭州市第一人民医院").check()
    page.get_by_label("2025").check()
    page.get_by_label("函数的单调性").check()
    field(page, "拟评审类型").select_option("正常晋升")
    field(page, "学生满意度（0–100，不带 %）").fill("96.5")
    field(page, "教育理论成绩（0–100）").fill("85")
    field(page, "教育理论考试年度").fill("2012")

    # The login expires before 保存 (the session cookie goes; the CSRF cookie lives on): the values wait in
    # this browser and come back after signing in.
    page.context.clear_cookies(name="sessionid")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    field(page, "登录名").fill("applicant")
    field(page, "密码").fill("Demo@2026")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("已恢复您上次未保存的填写内容")).to_be_visible()
    expect(field(page, "教育理论成绩（0–100）")).to_have_value("85")
    expect(page.get_by_label("函数的单调性")).to_be_checked()
    expect(page.get_by_label("杭州师范大学 数学教育")).to_be_checked()
    submit(page, "保存")
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.get_by_text("附件：证件照、身份证照片、评审表")).to_be_visible()  # only the files are missing

    from PIL import Image

    photo = tmp_path / "证件照.png"
    Image.new("RGB", (60, 80), "white").save(photo)
    pdf = tmp_path / "评审表.pdf"
    from title_review.attachments.tests.helpers import PDF

    pdf.write_bytes(PDF)
    for kind, label, path in (
        ("photo", "证件照", photo),
        ("id_card", "身份证照片", photo),
        ("review_form", "评审表", pdf),
    ):
        block = page.get_by_test_id(f"attachment-{kind}")
        block.get_by_label(label).set_input_files(path)
        block.get_by_role("button", name="上传").click()
        expect(block.get_by_test_id("attachment-name")).to_have_text(path.name)
    page.reload()
    expect(page.get_by_text("提交前还需完善")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交至单位审核")).to_be_visible()
    expect(page.get_by_text("待单位审核")).to_be_visible()
    expect(field(page, "教育理论成绩（0–100）")).to_be_disabled()
