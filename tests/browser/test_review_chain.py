"""One declaration walks the whole review chain in the browser.

朱老师 (杭州第二中学) submits; the school passes it and publicises from 2026-09-30, which ends on
2026-10-12 after the National Day holiday (Saturday 10-10 is a 调休 working day); the school forwards it;
直属学校管理中心 (level 1) passes; 市教育局 (level 2) returns it; the school finds it under 被退回的材料
with the right 审核记录; the teacher resubmits, and it goes back through level 1 and level 2 to the
杭州市职改办, whose 资格审查经办 checks every item and 受理.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from .pages import field, open_menu, sign_in, sign_out, submit

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def teacher_draft(site):
    """A 2026 中小学教师 round of the 杭州市职改办 for the 教育局 subtree, and 朱老师's complete draft."""
    from title_review.accounts.models import User
    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.factories import complete_draft
    from title_review.rounds import services as rounds

    admin = User.objects.get(username="hzadmin")
    hz = Organisation.objects.get(name="杭州市职称工作领导小组办公室")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    round_ = rounds.create_round(
        actor=admin,
        publisher=hz,
        title="2026年度中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=None,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime.now(tz=SHANGHAI) + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=admin,
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=[Organisation.objects.get(name="杭州市教育局")],
    )
    round_ = rounds.publish_round(actor=admin, round_id=round_.pk)
    return complete_draft(User.objects.get(username="teacher"), round_)


def teacher_submits(page: Page, declaration_id: int) -> None:
    sign_in(page, "teacher")
    open_menu(page, "我的申报")
    page.get_by_role("link", name="继续填写").click()
    submit(page, "提交")
    expect(page.get_by_role("alert").filter(has_text="已提交至单位审核")).to_be_visible()
    sign_out(page)


def open_for_review(page: Page, menu: str, name: str = "朱老师") -> None:
    open_menu(page, menu)
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def department_passes(page: Page, username: str, desk: str) -> None:
    sign_in(page, username)
    open_for_review(page, "待审核材料")
    expect(page.get_by_test_id("desk")).to_have_text(desk)
    submit(page, "审核通过")
    expect(page.get_by_role("alert").filter(has_text="审核通过，已报送上级")).to_be_visible()
    sign_out(page)


def school_forwards(page: Page) -> None:
    open_menu(page, "单位审核")
    page.get_by_role("link", name="上报材料", exact=True).click()
    page.get_by_role("checkbox", name="选择 朱老师").check()
    field(page, "经办人姓名").fill("卫学校")
    field(page, "经办人联系电话").fill("0571-88888888")
    submit(page, "上报")
    expect(page.get_by_role("alert").filter(has_text="已上报 1 份申报材料")).to_be_visible()


def test_one_declaration_through_the_whole_chain(page: Page, teacher_draft):
    teacher_submits(page, teacher_draft.pk)

    # 单位: 审核通过 with the 单位意见, 单位内部公示 from 2026-09-30, then 上报.
    sign_in(page, "schooladmin")
    expect(page.get_by_test_id("count-with_employer")).to_have_text("1")
    open_for_review(page, "单位审核")
    expect(field(page, "单位意见")).to_have_value("经审核，该同志申报材料真实，符合申报条件，同意推荐。")
    submit(page, "审核通过")
    expect(page.get_by_test_id("status")).to_have_text("待公示")
    open_menu(page, "单位审核")
    page.get_by_role("link", name="单位内部公示", exact=True).click()
    page.get_by_role("checkbox", name="选择 朱老师").check()
    field(page, "公示开始日期").fill("2026-09-30")
    field(page, "公示地点或方式").fill("学校公告栏")
    submit(page, "开始公示")
    expect(page.get_by_role("alert").filter(has_text="公示截止 2026年10月12日（5 个工作日）")).to_be_visible()
    expect(page.get_by_test_id("publicity-period")).to_have_text("2026年9月30日 至 2026年10月12日")
    expect(page.get_by_role("table").first).to_contain_text("朱老师")
    school_forwards(page)
    sign_out(page)

    # Level 1 passes; level 2 returns it, naming the section to fix.
    department_passes(page, "zsadmin", "杭州市教育局直属学校管理中心")
    sign_in(page, "jyjadmin")
    open_for_review(page, "待审核材料")
    expect(page.get_by_test_id("desk")).to_have_text("杭州市教育局")
    field(page, "退回理由").fill("2025年度考核表缺少单位盖章")
    page.get_by_role("checkbox", name="年度考核").check()
    submit(page, "退回")
    expect(page.get_by_test_id("status")).to_have_text("被退回")
    sign_out(page)

    # The school finds it under 被退回的材料 with the 审核记录 of the return.
    sign_in(page, "schooladmin")
    open_menu(page, "被退回的材料")
    row = page.get_by_role("row").filter(has_text="朱老师")
    expect(row).to_contain_text("杭州市教育局")
    expect(row).to_contain_text("2025年度考核表缺少单位盖章")
    expect(row).to_contain_text("年度考核")
    row.get_by_role("link", name="审核记录").click()
    timeline = page.get_by_role("list", name="审核记录")
    expect(timeline.get_by_role("listitem").last).to_contain_text("主管部门 · 杭州市教育局")
    expect(timeline.get_by_role("listitem").last).to_contain_text("退回理由：2025年度考核表缺少单位盖章")
    expect(timeline).to_contain_text("公示期 2026-09-30 至 2026-10-12")
    sign_out(page)

    # Resubmitted: through the school again (no second publicity), then level 1 again.
    teacher_submits(page, teacher_draft.pk)
    sign_in(page, "schooladmin")
    open_for_review(page, "单位审核")
    submit(page, "审核通过")
    expect(page.get_by_test_id("status")).to_have_text("待上报")
    school_forwards(page)
    sign_out(page)
    department_passes(page, "zsadmin", "杭州市教育局直属学校管理中心")
    department_passes(page, "jyjadmin", "杭州市教育局")

    # 资格审查: every item verified, then 受理.
    sign_in(page, "hzcheck")
    open_for_review(page, "待审核材料")
    expect(page.get_by_test_id("desk")).to_have_text("杭州市职称工作领导小组办公室")
    submit(page, "受理")
    expect(page.get_by_role("alert").filter(has_text="项未审查")).to_be_visible()
    verify = page.get_by_role("button", name=re.compile("^核实无误："))
    expect(verify).to_have_count(6)  # 学历学位, 工作经历, 年度考核 and three attachments
    for i in range(6):
        with page.expect_navigation():
            verify.nth(i).click()
        expect(page.get_by_role("alert").filter(has_text="审查结果已保存")).to_be_visible()
    expect(page.get_by_role("table")).not_to_contain_text("未审查")
    submit(page, "受理")
    expect(page.get_by_test_id("status")).to_have_text("已受理")
    sign_out(page)

    # The applicant sees where it is, in plain words.
    sign_in(page, "teacher")
    expect(page.get_by_role("main")).to_contain_text("已受理，等待评委会评审")
