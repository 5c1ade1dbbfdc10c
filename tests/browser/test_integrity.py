"""诚信档案: the city office administrator records a fraud ban for the demo applicant, finds it in the
list with the identity number masked, and lifts it with a reason."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from .pages import field, named, open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser

APPLICANT_ID = "330106199003071236"
MASKED = "330106********1236"


def table_rows(page: Page):
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def test_city_office_records_a_ban_sees_it_masked_and_lifts_it(page):
    from django.utils import timezone

    today = timezone.localdate()
    sign_in(page, "hzadmin")
    open_menu(page, "诚信档案")
    expect(page.get_by_text("尚无诚信记录。")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name=named("新增诚信记录")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增诚信记录")
    expect(field(page, "记录机构")).to_have_value(str(_office_pk("杭州市职称工作领导小组办公室")))
    field(page, "证件类型").select_option(label="居民身份证")
    # A mistyped last digit is caught next to the field, and what was typed stays.
    field(page, "证件号码").fill(APPLICANT_ID[:-1] + "5")
    field(page, "姓名").fill("韩申报")
    field(page, "记录事由").fill("2025年度职称申报中论文弄虚作假")
    field(page, "文件依据").fill("杭人社发〔2026〕12号")
    field(page, "开始日期").fill(today.isoformat())
    submit(page, "保存")
    expect(page.get_by_text("证件号码校验位不正确，请逐位核对。")).to_be_visible()
    expect(field(page, "记录事由")).to_have_value("2025年度职称申报中论文弄虚作假")

    field(page, "证件号码").fill(APPLICANT_ID)
    submit(page, "保存")
    expect(page.get_by_role("heading", level=1)).to_have_text("诚信档案")
    until = _three_years_after(today)
    expect(page.get_by_role("alert")).to_contain_text(
        f"已新增韩申报的诚信记录，禁止申报至 {until.year}年{until.month}月{until.day}日。"
    )
    row = table_rows(page).filter(has_text="韩申报")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(MASKED)
    expect(row).to_contain_text("杭人社发〔2026〕12号")
    expect(row).to_contain_text("生效中")
    expect(page.locator("main")).not_to_contain_text(APPLICANT_ID)
    screenshot(page, "integrity-list")

    # Found again by the whole identity number, which never shows in the address bar.
    field(page, "姓名或证件号码").fill(APPLICANT_ID)
    submit(page, "查询")
    assert APPLICANT_ID not in page.url
    expect(table_rows(page)).to_have_count(1)

    with page.expect_navigation():
        row.get_by_role("link", name="解除 韩申报 的诚信记录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("解除诚信记录")
    expect(page.locator("main")).to_contain_text(MASKED)
    field(page, "解除原因").fill("复核后撤销原处理决定")
    submit(page, "确认解除")
    expect(page.get_by_role("alert")).to_contain_text("已解除韩申报的诚信记录。")
    row = table_rows(page).filter(has_text="韩申报")
    expect(row).to_contain_text("已解除")
    expect(row).to_contain_text("复核后撤销原处理决定")
    expect(row.get_by_role("link", name="解除 韩申报 的诚信记录")).to_have_count(0)


def _office_pk(name: str) -> int:
    from title_review.organisations.models import Organisation

    return Organisation.objects.get(name=name).pk


def _three_years_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 3)
    except ValueError:
        return day.replace(year=day.year + 3, day=28)
