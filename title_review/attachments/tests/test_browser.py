"""In Chromium: the upload block inside a page's form uploads, refuses, deletes, and leaves the
page's own save with nothing but the attachment id.

The browser runs in a thread of its own: Playwright's sync API allows one instance per thread, and
the session-wide browser of tests/browser may already be running in this one. That thread makes no
database queries (the in-memory test database belongs to this thread and the live server's).
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, demo_data, site  # noqa: F401 — shared fixtures
from title_review.attachments.models import Attachment

from .helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.urls("title_review.attachments.tests.browser_urls")]


def _note(problems: list[str], message: Any) -> None:
    """Console errors (a CSP violation shows up here), except the favicon the plain-text save page lacks."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        problems.append(f"{message.text} {message.location.get('url', '')}")


def _scenario(site_url: str, folder: Path) -> dict[str, object]:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.pages import sign_in

    review_form = folder / "评审表.pdf"
    review_form.write_bytes(PDF)
    not_a_photo = folder / "照片.jpg"
    not_a_photo.write_bytes(b"\xff\xd8\xff\xe0 not a picture")
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(base_url=site_url, locale="zh-CN")
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())
            page.on("console", lambda message: _note(problems, message))

            sign_in(page, "applicant")
            page.goto("/attachments-test/")
            block = page.get_by_test_id("attachment-review_form")
            block.locator("input[type=file]").set_input_files(review_form)
            block.get_by_role("button", name="上传").click()
            expect(block.get_by_test_id("attachment-name")).to_have_text("评审表.pdf")
            expect(block.get_by_test_id("attachment-size")).not_to_be_empty()

            photo = page.get_by_test_id("attachment-photo")
            photo.locator("input[type=file]").set_input_files(not_a_photo)
            photo.get_by_role("button", name="上传").click()
            expect(photo.get_by_test_id("attachment-error")).to_contain_text("不是有效的图片")

            page.get_by_role("button", name="保存").click()
            expect(page.locator("body")).to_contain_text("POST ")
            saved = page.locator("body").inner_text()

            page.goto("/attachments-test/")
            block = page.get_by_test_id("attachment-review_form")
            block.locator("input[type=file]").set_input_files(review_form)
            block.get_by_role("button", name="上传").click()
            expect(block.get_by_test_id("attachment-name")).to_have_text("评审表.pdf")
            block.get_by_role("button", name="删除").click()  # the confirm is answered 确定
            expect(block.locator("input[type=file]")).to_be_visible()
        finally:
            browser.close()
    return {"saved": saved, "problems": problems}


def test_the_upload_block_works_inside_a_form(site, tmp_path):  # noqa: F811 — the fixture
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install the system Chromium to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(_scenario, site, tmp_path).result(timeout=180)
    kept = Attachment.objects.get()  # the first upload; the refused photo and the deleted second are gone
    assert result["saved"] == f"POST kind=outer review_form={kept.pk} FILES -"
    assert not result["problems"], result["problems"]
