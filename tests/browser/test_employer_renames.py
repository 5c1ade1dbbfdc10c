"""单位信息 and 更名记录 in a browser: the province asks for approval of renames in 参数设置; the unit edits its
basic information and asks to be renamed; its 归口部门 approves on the 机构树; the old name still finds it."""

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import field, main_menu, named, open_menu, screenshot, sign_in, submit

pytestmark = pytest.mark.browser

HOSPITAL = "杭州市第一人民医院"
NEW_NAME = "杭州市第一人民医院集团"
PARENT = "杭州市卫生健康委员会"
SETTING = "单位更名须经归口部门审核（是 / 否）"


def require_approval_of_renames(page: Page) -> None:
    """The province's administrator switches 单位更名须经归口部门审核 on in 参数设置."""
    sign_in(page, "zjadmin")
    open_menu(page, "参数设置")
    row = page.get_by_role("row").filter(has_text=SETTING)
    row.get_by_label(f"{SETTING}新值").select_option(label="是")
    with page.expect_navigation():
        row.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("参数已保存")
    expect(page.get_by_role("row").filter(has_text=SETTING).get_by_role("cell").nth(1)).to_have_text("是")


def test_the_unit_renames_itself_its_department_approves_and_the_old_name_still_finds_it(page, open_page):
    require_approval_of_renames(page)

    # The unit: basic information first, saved at once.
    unit = open_page()
    sign_in(unit, "hospitaladmin")
    open_menu(unit, "单位信息")
    field(unit, "法定代表人").fill("褚院长")
    field(unit, "单位性质").select_option(label="事业单位")
    field(unit, "单位行业").select_option(label="卫生和社会工作")
    field(unit, "单位地址").fill("上城区浣纱路 261 号")
    field(unit, "联系人").fill("褚医院")
    field(unit, "联系电话").fill("0571-56006000")
    submit(unit, "保存基本信息")
    expect(unit.get_by_role("alert")).to_contain_text("单位基本信息已保存")
    expect(unit.get_by_text("褚院长", exact=True)).to_be_visible()

    # A slip: the current name is refused at the field, nothing is asked.
    expect(unit.get_by_text(f"更名须经归口部门“{PARENT}”审核")).to_be_visible()
    field(unit, "新的单位名称").fill(HOSPITAL)
    submit(unit, "提交更名申请")
    expect(unit.get_by_text("新名称与现用名称相同，无需更名。")).to_be_visible()
    expect(unit.get_by_text("暂无更名记录")).to_be_visible()

    field(unit, "新的单位名称").fill(NEW_NAME)
    field(unit, "更名原因").fill("集团化改革")
    submit(unit, "提交更名申请")
    expect(unit.get_by_role("alert").filter(has_text="更名申请已提交")).to_contain_text(f"等待归口部门“{PARENT}”审核")
    expect(unit.get_by_test_id("employer-name")).to_contain_text(HOSPITAL)
    expect(unit.get_by_test_id("employer-name")).to_contain_text("更名待审核")
    expect(unit.get_by_role("button", name="撤回申请")).to_be_visible()
    screenshot(unit, "employer-rename-pending")

    # The 归口部门 finds the request on its 机构树 and approves it.
    department = open_page()
    sign_in(department, "wjwadmin")
    open_menu(department, "机构树")
    box = department.get_by_role("region", name="待审核的单位更名申请")
    expect(box).to_contain_text(NEW_NAME)
    expect(box).to_contain_text("集团化改革")
    screenshot(department, "employer-rename-to-approve")
    with department.expect_navigation():
        box.get_by_role("button", name=f"批准更名为 {NEW_NAME}").click()
    expect(department.get_by_role("alert")).to_contain_text(f"已批准“{HOSPITAL}”更名为“{NEW_NAME}”")
    expect(department.get_by_role("heading", level=1)).to_contain_text(NEW_NAME)
    record = department.get_by_role("row").filter(has_text="集团化改革")
    expect(record).to_contain_text(HOSPITAL)
    expect(record).to_contain_text("已生效")
    expect(record).to_contain_text("郑卫健")

    # The city office searches the 机构树 by the old name and finds the unit under its new one.
    office = open_page()
    sign_in(office, "hzadmin")
    open_menu(office, "机构树")
    field(office, "名称或代码").fill(HOSPITAL)
    office.get_by_role("button", name=named("查询")).click()
    found = office.locator("#tree-table").get_by_role("row").filter(has_text=NEW_NAME)
    expect(found).to_contain_text(f"曾用名：{HOSPITAL}")
    expect(found.get_by_role("link", name=NEW_NAME, exact=True)).to_be_visible()
    screenshot(office, "employer-rename-old-name-found")

    # The unit sees its new name and the record.
    unit.reload()
    expect(unit.get_by_test_id("employer-name")).to_have_text(NEW_NAME)
    expect(unit.get_by_role("row").filter(has_text="集团化改革")).to_contain_text("已生效")
    expect(main_menu(unit).get_by_role("link", name=named("单位信息"))).to_have_class(re.compile(r"\bactive\b"))
