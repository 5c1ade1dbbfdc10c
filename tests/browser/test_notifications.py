"""站内信: a message sent to the applicant shows as a badge in the top bar; 查看 reads it and opens
its page, and the badge is gone."""

import re

import pytest
from playwright.sync_api import expect

from .pages import main_menu, named, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_applicant_reads_a_message_and_the_badge_goes(page):
    from title_review.accounts.models import User
    from title_review.notifications.services import notify

    applicant = User.objects.get(username="applicant")
    notify(
        recipients=[applicant],
        title="申报材料被退回",
        body="请补充学历证书扫描件后重新提交。",
        link="/achievements/",
        category="return",
    )

    sign_in(page, "applicant")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    badge = page.get_by_test_id("unread-badge")
    expect(badge).to_have_text("1 条未读")
    expect(main_menu(page).get_by_role("link", name=named("站内信"))).to_be_visible()

    with page.expect_navigation():
        page.get_by_test_id("notifications-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("站内信")
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("notification-title")).to_have_text("申报材料被退回")
    expect(item.locator("strong")).to_have_text("申报材料被退回")  # unread: bold
    expect(item).to_contain_text("请补充学历证书扫描件后重新提交。")
    screenshot(page, "notifications-inbox")

    with page.expect_navigation():
        item.get_by_role("link", name="查看 申报材料被退回").click()
    expect(page).to_have_url(re.compile(r"/achievements/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("业绩档案")
    expect(page.get_by_test_id("notifications-link")).to_be_visible()
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)

    # Back in the inbox the message is read: no longer bold, nothing left under 未读.
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification").locator("strong")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="未读", exact=True).click()
    expect(page.get_by_text("没有未读的站内信。")).to_be_visible()
