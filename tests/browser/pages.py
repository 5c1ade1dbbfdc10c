"""What a person does on the site, as small helpers the browser tests share.

Elements are found by what a user reads (labels, button and link names, visible text); assertions
use Playwright's `expect`, which waits for the page to settle before judging it.
"""

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from title_review.demo.data import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOGIN_URL = re.compile(r"/accounts/login/(\?.*)?$")
PASSWORD_CHANGE_URL = re.compile(r"/accounts/password/change/$")


def named(label: str) -> re.Pattern:
    """An accessible name that reads `label`, after an optional icon.

    The Bootstrap icons (<i class="bi ...">) are not aria-hidden, so their private-use glyph
    becomes part of a link's or button's accessible name ("\uf425 工作台"); match past it.
    """
    return re.compile(rf"^(\S\s*)?{re.escape(label)}$")


def field(page: Page, label: str) -> Locator:
    """The form control whose <label> reads `label`, exactly.

    Required fields show a red "*" (aria-hidden) inside the label. Screen readers skip it, but
    Playwright's get_by_label(exact=True) compares the label's raw text, so allow that marker.
    """
    return page.get_by_label(re.compile(rf"^\*?{re.escape(label)}$"))


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    field(page, "登录名").fill(username)
    field(page, "密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert")).to_contain_text("您已安全退出")


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="主菜单")


def menu_links(page: Page) -> Locator:
    return main_menu(page).get_by_role("link")


def open_menu(page: Page, label: str) -> None:
    with page.expect_navigation():
        main_menu(page).get_by_role("link", name=named(label)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def submit(page: Page, button: str) -> None:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=named(button)).click()


def change_password(page: Page, old: str, new: str) -> None:
    field(page, "原密码").fill(old)
    field(page, "新密码").fill(new)
    field(page, "确认新密码").fill(new)
    submit(page, "保存新密码")


def first_sign_in(page: Page, username: str, one_time_password: str, new_password: str, *, weak: str = "") -> None:
    """A new administrator signs in with the one-time password and is made to replace it.

    With `weak`, first tries that password and expects the complexity rule to refuse it.
    """
    sign_in(page, username, one_time_password)
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.get_by_role("alert")).to_contain_text("一次性密码")
    # Anything else sends the account back to 修改密码 until the password is changed.
    page.goto("/organisations/")
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    if weak:
        change_password(page, one_time_password, weak)
        expect(page).to_have_url(PASSWORD_CHANGE_URL)
        expect(page.get_by_role("alert").filter(has_text="至少 3 类")).to_be_visible()
        screenshot(page, "password-change-forced")
    change_password(page, one_time_password, new_password)
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_organisation(page: Page, name: str) -> None:
    """From the 机构树, open an organisation's detail page by clicking its name."""
    open_menu(page, "机构树")
    with page.expect_navigation():
        page.get_by_role("table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def create_child_organisation(
    page: Page, *, parent: str, name: str, kind: str, region: str, admin_username: str, admin_name: str
) -> str:
    """机构树 → parent → 新增下级机构 → fill → 保存； returns the administrator's one-time password."""
    open_organisation(page, parent)
    with page.expect_navigation():
        page.get_by_role("link", name=named("新增下级机构")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新增下级机构")
    expect(page.get_by_text(f"上级机构：{parent}")).to_be_visible()
    field(page, "机构名称").fill(name)
    field(page, "机构类型").select_option(label=kind)
    field(page, "所在地（行政区划）").select_option(label=region)
    field(page, "管理员登录名").fill(admin_username)
    field(page, "管理员姓名").fill(admin_name)
    submit(page, "保存")
    expect(page.get_by_role("heading", level=1)).to_have_text("机构已创建")
    expect(page.get_by_role("status")).to_contain_text(f"已创建“{name}”")
    expect(page.get_by_test_id("new-username")).to_have_text(admin_username)
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(password) >= 8, f"one-time password looks wrong: {password!r}"
    return password
