"""Flow 3: 代码字典 — maintained by the province only, and a disabled code leaves the pick lists."""

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import field, named, open_menu, open_organisation, screenshot, sign_in, submit

pytestmark = pytest.mark.browser

REGIONS = "行政区划"
DISTRICT = ("330102", "上城区")  # the region of 杭州市第一人民医院 in the demo tree
REGION_FIELD = "所在地（行政区划）"


def open_dictionary(page: Page, name: str) -> None:
    open_menu(page, "代码字典")
    with page.expect_navigation():
        page.get_by_role("table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def search_entries(page: Page, text: str, *, show_disabled: bool = False) -> None:
    field(page, "代码或名称").fill(text)
    field(page, "显示已停用条目").set_checked(show_disabled)
    submit(page, "查询")


def entry_row(page: Page, code: str):
    return page.get_by_role("table").get_by_role("row").filter(has=page.get_by_role("cell", name=code, exact=True))


def region_options(page: Page):
    return field(page, REGION_FIELD).locator("option")


def test_city_office_reads_dictionaries_but_cannot_change_them(page):
    sign_in(page, "hzadmin")
    open_menu(page, "代码字典")
    expect(page.get_by_role("note")).to_contain_text("字典由省级统一维护")
    expect(page.get_by_role("link", name=named("接收更新代码"))).to_have_count(0)

    open_dictionary(page, REGIONS)
    expect(entry_row(page, "330100")).to_contain_text("杭州市")
    expect(entry_row(page, "330106")).to_contain_text("西湖区")
    expect(page.get_by_text("新增条目")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"停用|启用"))).to_have_count(0)
    expect(page.get_by_role("link", name="修改", exact=True)).to_have_count(0)
    expect(page.get_by_role("columnheader", name="操作")).to_have_count(0)
    screenshot(page, "dictionary-entries-city")

    response = page.goto("/dictionaries/import/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")


def test_province_disables_a_region_and_it_leaves_the_lists(page):
    code, name = DISTRICT
    sign_in(page, "zjadmin")

    # Before: the region is offered when creating an organisation.
    open_organisation(page, "浙江省职称工作领导小组办公室")
    page.get_by_role("link", name=named("新增下级机构")).click()
    expect(region_options(page).filter(has_text=f"{code} {name}")).to_have_count(1)

    open_dictionary(page, REGIONS)
    expect(page.get_by_text("新增条目")).to_be_visible()  # the province maintains the table
    search_entries(page, code)
    expect(entry_row(page, code)).to_contain_text(name)
    with page.expect_navigation():
        entry_row(page, code).get_by_role("button", name=f"停用 {name}").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已停用“{name}”")

    # Gone from the list (and from a search for it) ...
    expect(entry_row(page, code)).to_have_count(0)
    search_entries(page, code)
    expect(entry_row(page, code)).to_have_count(0)
    expect(page.get_by_text("没有条目。")).to_be_visible()
    # ... unless 显示已停用条目 is ticked; then it shows as 已停用 and can be re-enabled.
    search_entries(page, code, show_disabled=True)
    expect(entry_row(page, code)).to_contain_text("已停用")
    expect(entry_row(page, code).get_by_role("button", name=f"启用 {name}")).to_be_visible()
    expect(field(page, "显示已停用条目")).to_be_checked()
    screenshot(page, "dictionary-entries-disabled-shown")

    # The 新增下级机构 form no longer offers it; its neighbours are still there.
    open_organisation(page, "浙江省职称工作领导小组办公室")
    page.get_by_role("link", name=named("新增下级机构")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增下级机构")
    expect(region_options(page).filter(has_text=f"{code} {name}")).to_have_count(0)
    expect(region_options(page).filter(has_text="330105 拱墅区")).to_have_count(1)

    # An organisation already in that region keeps showing it.
    open_organisation(page, "杭州市第一人民医院")
    expect(page.get_by_text(f"{code} {name}")).to_be_visible()

    # Re-enabled, it is offered again.
    open_dictionary(page, REGIONS)
    search_entries(page, code, show_disabled=True)
    with page.expect_navigation():
        entry_row(page, code).get_by_role("button", name=f"启用 {name}").click()
    expect(page.get_by_role("alert")).to_contain_text(f"已启用“{name}”")
    open_organisation(page, "浙江省职称工作领导小组办公室")
    page.get_by_role("link", name=named("新增下级机构")).click()
    expect(region_options(page).filter(has_text=f"{code} {name}")).to_have_count(1)
