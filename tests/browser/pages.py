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
        main_menu(page).get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def submit(page: Page, button: str) -> None:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def change_password(page: Page, old: str, new: str) -> None:
    field(page, "原密码").fill(old)
    field(page, "新密码").fill(new)
    field(page, "确认新密码").fill(new)
    submit(page, "保存新密码")


def first_sign_in(page: Page, username: str, one_time_password: str, new_password: str) -> None:
    """A new administrator signs in with the one-time password and is made to replace it."""
    sign_in(page, username, one_time_password)
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    expect(page.get_by_role("alert")).to_contain_text("一次性密码")
    # Anything else sends the account back to 修改密码 until the password is changed.
    page.goto("/organisations/")
    expect(page).to_have_url(PASSWORD_CHANGE_URL)
    change_password(page, one_time_password, new_password)
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
