"""Flow 2 (and the audit trail it leaves, flow 4): the province office builds a branch of the tree.

省职改办 → 市职改办 → 主管部门 → 用人单位, each level created through the UI by the administrator
of the level above, each new administrator signing in with the one-time password shown on screen
and being made to replace it. Every step is clicked as a person would.
"""

import pytest
from playwright.sync_api import expect

from .pages import (
    create_child_organisation,
    field,
    first_sign_in,
    menu_links,
    named,
    open_menu,
    open_organisation,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

PROVINCE = "浙江省职称工作领导小组办公室"
CITY = "宁波市职称工作领导小组办公室"
DEPARTMENT = "宁波市卫生健康委员会"
EMPLOYER = "宁波市第二人民医院"
HANGZHOU_EMPLOYER = "杭州市第一人民医院"  # demo data, in another city's branch


def tree_names(page) -> list[str]:
    """The organisation names listed in the 机构树 table, top to bottom."""
    rows = page.get_by_role("table").locator("tbody").get_by_role("row")
    return [row.get_by_role("cell").first.inner_text().strip() for row in rows.all()]


def rows_with(page, rows, *cells: str):
    """The table rows that have a cell reading exactly each of `cells`."""
    for text in cells:
        rows = rows.filter(has=page.get_by_role("cell", name=text, exact=True))
    return rows


def test_province_to_employer_chain(page):
    from title_review.organisations.models import Organisation

    hangzhou_hospital_pk = Organisation.objects.get(name=HANGZHOU_EMPLOYER).pk

    # 省职改办 administrator adds the city title office under the province office.
    sign_in(page, "zjadmin")
    open_organisation(page, PROVINCE)
    page.get_by_role("link", name=named("新增下级机构")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增下级机构")
    # The kinds offered under a title office, and regions from the 行政区划 dictionary.
    expect(field(page, "机构类型").locator("option")).to_have_text(["职改办", "主管部门", "用人单位", "人事代理机构"])
    screenshot(page, "create-child-form")
    city_password = create_child_organisation(
        page,
        parent=PROVINCE,
        name=CITY,
        kind="职改办",
        region="330200 宁波市",
        admin_username="nbadmin",
        admin_name="甬市办",
    )
    screenshot(page, "organisation-created")
    sign_out(page)

    # The city administrator's first sign-in: forced onto 修改密码, then into the system.
    first_sign_in(page, "nbadmin", city_password, "Nb@city2026x", weak="abcd1234")
    expect(page.get_by_test_id("current-user")).to_contain_text(f"甬市办 · {CITY}")
    expect(menu_links(page)).to_contain_text(["工作台", "机构树"])
    open_menu(page, "机构树")
    assert tree_names(page) == [CITY], "a new city office sees only its own, still empty, branch"
    open_organisation(page, CITY)
    expect(page.get_by_text("市级职改办", exact=True)).to_be_visible()  # a city office under the province
    department_password = create_child_organisation(
        page,
        parent=CITY,
        name=DEPARTMENT,
        kind="主管部门",
        region="330200 宁波市",
        admin_username="nbwjwadmin",
        admin_name="甬卫健",
    )
    # Until its administrator signs in, the new department lists the account as 待首次登录.
    with page.expect_navigation():
        page.get_by_role("link", name="查看机构").click()
    expect(page.get_by_role("row").filter(has_text="nbwjwadmin")).to_contain_text("待首次登录")
    sign_out(page)

    # The department administrator signs in (forced change again) and adds an employer.
    first_sign_in(page, "nbwjwadmin", department_password, "Nb@dept2026x")
    employer_password = create_child_organisation(
        page,
        parent=DEPARTMENT,
        name=EMPLOYER,
        kind="用人单位",
        region="330203 海曙区",
        admin_username="nbhospadmin",
        admin_name="甬医院",
    )
    sign_out(page)

    # The employer administrator sees its own organisation and nothing of Hangzhou's.
    first_sign_in(page, "nbhospadmin", employer_password, "Nb@hosp2026x")
    open_menu(page, "机构树")
    assert tree_names(page) == [EMPLOYER]
    open_organisation(page, EMPLOYER)
    expect(page.get_by_role("link", name=named("新增下级机构"))).to_have_count(0)  # an employer has no children
    response = page.goto(f"/organisations/{hangzhou_hospital_pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(page.get_by_text(HANGZHOU_EMPLOYER)).to_have_count(0)
    screenshot(page, "not-found")
    with page.expect_navigation():
        page.get_by_role("link", name="返回首页").click()
    sign_out(page)

    # Back as the department administrator: its 机构树 is its whole subtree, the new employer included.
    sign_in(page, "nbwjwadmin", "Nb@dept2026x")
    open_menu(page, "机构树")
    assert tree_names(page) == [DEPARTMENT, EMPLOYER]
    screenshot(page, "tree-department")
    sign_out(page)

    # The one-time passwords are spent: the first one no longer opens the city account.
    sign_in(page, "nbadmin", city_password)
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")

    # Flow 4: the audit administrator finds all of the above in the logs.
    sign_in(page, "auditor")
    open_menu(page, "操作日志")
    events = page.get_by_role("table").get_by_role("row")
    for actor, created in (
        ("赵省办（zjadmin）", CITY),
        ("甬市办（nbadmin）", DEPARTMENT),
        ("甬卫健（nbwjwadmin）", EMPLOYER),
    ):
        expect(rows_with(page, events, actor, "新增机构", created)).to_have_count(1)
    for actor, username in (
        ("赵省办（zjadmin）", "nbadmin"),
        ("甬市办（nbadmin）", "nbwjwadmin"),
        ("甬卫健（nbwjwadmin）", "nbhospadmin"),
    ):
        expect(rows_with(page, events, actor, "新增账号").filter(has_text=username)).to_have_count(1)
    for actor in ("甬市办（nbadmin）", "甬卫健（nbwjwadmin）", "甬医院（nbhospadmin）"):
        expect(rows_with(page, events, actor, "修改密码")).to_have_count(1)
    screenshot(page, "audit-events")

    open_menu(page, "登录日志")
    logins = page.get_by_role("table").get_by_role("row")
    for username in ("zjadmin", "nbadmin", "nbwjwadmin", "nbhospadmin"):
        expect(rows_with(page, logins, username, "登录", "成功").first).to_be_visible()
        expect(rows_with(page, logins, username, "退出", "成功").first).to_be_visible()
    expect(rows_with(page, logins, "nbadmin", "登录失败", "失败")).to_have_count(1)
    expect(rows_with(page, logins, "nbwjwadmin", "登录", "成功")).to_have_count(2)
