"""Flow 4: the audit administrator reads what happened — 操作日志 and 登录日志, with their filters.

(test_main_chain.py also ends with the auditor finding every step of the province → employer chain.)
"""

import pytest
from playwright.sync_api import Page, expect

from .pages import create_child_organisation, field, open_menu, screenshot, sign_in, sign_out, submit

pytestmark = pytest.mark.browser

PROVINCE = "浙江省职称工作领导小组办公室"
CITY = "温州市职称工作领导小组办公室"


def table_rows(page: Page):
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def rows_with(page: Page, *cells: str):
    rows = table_rows(page)
    for text in cells:
        rows = rows.filter(has=page.get_by_role("cell", name=text, exact=True))
    return rows


def test_auditor_sees_operations_and_logins(page):
    # Things worth auditing: a wrong password, a sign-in, a new organisation with its administrator.
    sign_in(page, "hzadmin", "Wrong@2026")
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")
    sign_in(page, "zjadmin")
    create_child_organisation(
        page,
        parent=PROVINCE,
        name=CITY,
        kind="职改办",
        region="330300 温州市",
        admin_username="wzadmin",
        admin_name="瓯市办",
    )
    sign_out(page)

    sign_in(page, "auditor")
    open_menu(page, "操作日志")
    expect(rows_with(page, "赵省办（zjadmin）", "新增机构", CITY)).to_have_count(1)
    expect(rows_with(page, "赵省办（zjadmin）", "新增账号", "瓯市办")).to_have_count(1)

    # Narrowed to one kind of operation, only that kind is listed.
    field(page, "操作").select_option(label="新增机构")
    submit(page, "查询")
    expect(rows_with(page, "新增机构", CITY)).to_have_count(1)
    expect(rows_with(page, "新增账号")).to_have_count(0)
    expect(table_rows(page)).to_have_count(rows_with(page, "新增机构").count())

    open_menu(page, "登录日志")
    expect(rows_with(page, "hzadmin", "登录失败", "失败")).to_have_count(1)
    expect(rows_with(page, "zjadmin", "登录", "成功")).to_have_count(1)
    expect(rows_with(page, "zjadmin", "退出", "成功")).to_have_count(1)
    expect(rows_with(page, "auditor", "登录", "成功")).to_have_count(1)
    screenshot(page, "audit-logins")

    field(page, "登录名").fill("hzadmin")
    submit(page, "查询")
    expect(table_rows(page)).to_have_count(1)
    expect(rows_with(page, "hzadmin", "登录失败")).to_have_count(1)
