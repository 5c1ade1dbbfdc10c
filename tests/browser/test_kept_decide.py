"""A refused 退回 on the 审核 page loses nothing: the 主管部门 reviewer types a 退回理由, ticks the 栏目, lists the 补正事项
with a period the rules refuse, and finds all of it in the form again beside the reason; a period within the rules
then returns the declaration."""

import pytest
from playwright.sync_api import expect

from title_review.accounts.models import User
from title_review.organisations.models import Organisation
from title_review.reviews.tests.conftest import publish_review_round
from title_review.reviews.tests.factories import submit_for
from title_review.reviews.tests.test_chain import forward, to_ready

from .pages import field, signed_in_page

pytestmark = pytest.mark.browser

REASON = "年度考核表缺少单位盖章，请补充后重新提交。"
ITEMS = "补充2025年度考核表\n补充学历证书扫描件"


def test_a_refused_return_keeps_the_reason_the_sections_and_the_correction(browser, site):
    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    declaration = forward(users, to_ready(users, submit_for(users["teacher"], publish_review_round(users, orgs))))
    page = signed_in_page(browser, site, users["zsadmin"])
    page.goto(f"/reviews/track/{declaration.pk}/")
    field(page, "退回理由").fill(REASON)
    page.get_by_label("年度考核").check()
    page.get_by_label("学历学位").check()
    page.get_by_text("一次性补正告知（可选）").click()
    field(page, "补正事项（每行一项）").fill(ITEMS)
    days = field(page, "补正期限（工作日）")
    days.fill("45")
    days.evaluate("input => input.removeAttribute('max')")  # past the browser's own check, to the server's
    with page.expect_navigation():
        page.get_by_role("button", name="退回").click()

    expect(page.get_by_text("补正期限请填写 1 到 30 个工作日。")).to_be_visible()
    expect(field(page, "退回理由")).to_have_value(REASON)
    expect(page.get_by_label("年度考核")).to_be_checked()
    expect(page.get_by_label("学历学位")).to_be_checked()
    expect(page.get_by_label("基本信息")).not_to_be_checked()
    expect(field(page, "补正事项（每行一项）")).to_have_value(ITEMS)
    expect(field(page, "补正期限（工作日）")).to_have_value("45")

    field(page, "补正期限（工作日）").fill("10")
    with page.expect_navigation():
        page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("已退回。")).to_be_visible()
