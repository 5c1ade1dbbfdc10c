"""帮助 in the browser (issue 15 point 8): a visitor opens it from the login page, a signed-in applicant from
the top bar; the questions link to their answers, the file limits are the ones enforced, and the page reads
on a phone without sideways scrolling (content and its HTTP checks: system/tests/test_help.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from title_review.attachments.types import ATTACHMENT_TYPES, format_size_limit

from .pages import main_menu, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check_the_help_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/help/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("帮助")
    page.get_by_role("link", name="可以上传哪些文件？最大多少？").click()
    expect(page).to_have_url(re.compile(r"/help/#files$"))
    files = page.locator("#files")
    expect(files.get_by_role("heading", level=2)).to_have_text("可以上传哪些文件？最大多少？")
    review_form = ATTACHMENT_TYPES["review_form"]
    expect(files.get_by_role("row").filter(has_text=review_form.label).first).to_contain_text(
        format_size_limit(review_form.max_bytes)
    )
    for question in ("忘记密码怎么办？", "材料被退回了怎么办？", "提交后发现有错，能撤回吗？", "遇到问题找谁？"):
        expect(page.get_by_role("heading", name=question)).to_be_visible()


def _fits_a_phone(page: Page) -> bool:
    page.set_viewport_size(PHONE)
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_visitor_opens_help_from_the_login_page(page: Page):
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_test_id("help-link").click()
    _check_the_help_page(page)
    expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()
    assert _fits_a_phone(page)


def test_a_signed_in_applicant_opens_help_from_the_top_bar(page: Page):
    sign_in(page, "applicant")
    expect(main_menu(page)).to_be_visible()
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="帮助", exact=True).click()
    _check_the_help_page(page)
    expect(main_menu(page)).to_be_attached()
    assert _fits_a_phone(page)
