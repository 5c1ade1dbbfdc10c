"""工作日设置: the province marks a day off, and 日历查询 shows a publicity ending later because of it.

A 5-working-day publicity from Wednesday 2026-09-30 ends on Monday 2026-10-12 (National Day Oct 1–7,
Saturday Oct 10 a 调休 working day); with Friday Oct 9 made a rest day it ends on Tuesday Oct 13.
"""

import pytest
from playwright.sync_api import Page, expect

from .pages import field, open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser


def query_end(page: Page, start: str, count: int) -> None:
    field(page, "开始日期").fill(start)
    field(page, "工作日天数").fill(str(count))
    submit(page, "查询")


def override_row(page: Page, day: str):
    return page.get_by_role("table").get_by_role("row").filter(has_text=day)


def test_province_adds_a_rest_day_and_the_calendar_query_moves_the_end(page):
    sign_in(page, "zjadmin")
    open_menu(page, "工作日设置")

    query_end(page, "2026-09-30", 5)
    expect(page.get_by_test_id("calendar-result")).to_contain_text("自 2026-09-30（星期三）起第 5 个工作日是")
    expect(page.get_by_test_id("calendar-end")).to_have_text("2026-10-12")
    expect(page.get_by_test_id("calendar-result")).to_contain_text("星期一")

    field(page, "日期").fill("2026-10-09")
    field(page, "类型").select_option(label="休息日")
    field(page, "说明").fill("台风停工")
    submit(page, "保存")
    expect(page.get_by_role("alert")).to_contain_text("已将 2026-10-09 设为休息日")
    expect(override_row(page, "2026-10-09")).to_contain_text("休息日")
    expect(override_row(page, "2026-10-09")).to_contain_text("台风停工")

    query_end(page, "2026-09-30", 5)
    expect(page.get_by_test_id("calendar-end")).to_have_text("2026-10-13")
    screenshot(page, "workdays-province")

    submit(page, "删除 2026-10-09 的调整")
    expect(page.get_by_role("alert")).to_contain_text("已删除该日的调整")
    expect(override_row(page, "2026-10-09")).to_have_count(0)


def test_city_office_reads_the_calendar_but_cannot_change_it(page):
    sign_in(page, "hzadmin")
    open_menu(page, "工作日设置")
    expect(page.get_by_text("本级只能查看")).to_be_visible()
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    query_end(page, "2026-10-08", 5)
    expect(page.get_by_test_id("calendar-end")).to_have_text("2026-10-13")
