"""A banned applicant meets the refusal at 提交 in a browser (issue 15 point 1): 韩申报 fills a 卫生 declaration in a
round whose precheck only warns (`warn`), the 杭州市职改办 has recorded a 诚信档案 ban for him, and 提交 refuses with
the ban's last day; the dossier's 资格预审 marks 诚信记录 as failed and the declaration stays 填写中."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from .pages import open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "2026年度卫生高级职称评审（预审提示）"


@pytest.fixture
def banned_draft(site):
    from django.utils import timezone

    from title_review.accounts.models import User
    from title_review.eligibility import services as integrity
    from title_review.eligibility.tests.helpers import open_round
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.factories import complete_draft

    admin = User.objects.get(username="hzadmin")
    hz = Organisation.objects.get(name="杭州市职称工作领导小组办公室")
    round_ = open_round("卫生技术人员", mode="warn", title=TITLE)
    applicant = User.objects.get(username="applicant")
    draft = complete_draft(applicant, round_)
    today = timezone.localdate()
    record = integrity.record_integrity_ban(
        actor=admin,
        organisation_id=hz.pk,
        id_type="01",
        id_number=applicant.id_number,
        name=applicant.real_name,
        reason="2025年度职称申报中论文弄虚作假",
        basis="杭人社发〔2026〕12号",
        starts_on=today - dt.timedelta(days=30),
    )
    return draft, record.ban_until


def test_a_banned_applicant_sees_why_submit_is_refused_in_a_warn_round(page: Page, banned_draft):
    _draft, until = banned_draft
    last_day = f"{until.year}年{until.month}月{until.day}日"
    sign_in(page, "applicant")
    open_menu(page, "我的申报")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("填写中")
    row.get_by_role("link", name="继续填写").click()
    # Before 提交 the dossier's precheck already names the ban.
    precheck = page.get_by_test_id("precheck")
    expect(precheck).to_contain_text(f"诚信记录：存在诚信记录，禁止申报至 {last_day}。")
    expect(precheck).to_contain_text("学历与资历")

    submit(page, "提交")
    alert = page.get_by_role("alert").filter(has_text="不能提交")
    expect(alert).to_contain_text(f"存在诚信记录，禁止申报至 {last_day}。")
    expect(alert).to_contain_text("诚信档案记录期限内不能提交职称申报，请联系记录该诚信档案的职改办。")
    expect(page.get_by_role("alert").filter(has_text="已提交至单位审核")).to_have_count(0)
    expect(page.get_by_role("button", name="提交")).to_be_visible()
    screenshot(page, "precheck-ban-refused")

    # The conditions behind each line, with their documents, one click away.
    page.get_by_role("link", name="查看申报条件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申报条件")
    health = page.get_by_test_id("series-04")
    expect(health).to_contain_text("人社部发〔2021〕51号")
    expect(health.get_by_role("row").filter(has_text="副主任医（药、护、技）师（副高级）")).to_contain_text(
        "大学本科及以上学历（学位），取得主治（主管）医（药、护、技）师资格后满 5 年"
    )
    expect(page.get_by_test_id("universal-rules")).to_contain_text("诚信档案记录期限内（含最后一日）不得申报")

    open_menu(page, "我的申报")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("填写中")
