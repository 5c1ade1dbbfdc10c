"""评审会议 in the browser: the secretary opens a ballot, an expert signs in and votes on a phone, the secretary
closes it and reads the tally (issue 13)."""

import pytest
from playwright.sync_api import Browser, expect

from title_review.committees.tests.factories import sign_in as members_sign_in
from title_review.committees.tests.factories import sitting
from title_review.demo.data import DEMO_PASSWORD

from .pages import screenshot, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_an_expert_signs_in_and_votes_on_a_phone(browser: Browser, site, page):
    world = sitting()
    for user in (world["secretary"], world["experts"][16]):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    members_sign_in(world, 16)
    meeting = world["meeting"]

    # The 17th member, on a phone: 我的评审会议 → the meeting → 签到.
    phone = browser.new_context(base_url=site, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    expert = phone.new_page()
    try:
        sign_in(expert, world["experts"][16].username)
        expert.goto("/committees/mine/")
        expert.get_by_role("link", name=meeting.title).click()
        expert.get_by_role("button", name="签到").click()
        expect(expert.get_by_role("alert")).to_contain_text("签到成功")
        width = expert.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"

        # The secretary opens the ballot on 朱老师.
        sign_in(page, world["secretary"].username)
        page.goto(f"/committees/meetings/{meeting.pk}/")
        page.get_by_role("button", name="开始表决 朱老师").click()
        expect(page.get_by_role("alert")).to_contain_text("已开始表决：朱老师（实到评委 17 人）")

        # The expert votes 同意 with one tap; the page says the vote is in, never how.
        expert.reload()
        expert.get_by_role("button", name="同意", exact=True).click()
        expect(expert.get_by_role("alert")).to_contain_text("投票成功")
        expect(expert.get_by_text("您已投票。")).to_be_visible()
        screenshot(expert, "expert-voted-phone")

        page.reload()
        expect(page.get_by_role("table", name="评审对象")).to_contain_text("已投 1 / 17")
        page.get_by_role("button", name="结束表决 朱老师").click()
        # One 同意 of 17 present: not passed.
        expect(page.get_by_role("alert")).to_contain_text("同意 1、不同意 0、弃权 0，未通过")
    finally:
        phone.close()
