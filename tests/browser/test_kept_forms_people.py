"""A refused 填写材料 on 管理材料 loses nothing: the unit's administrator, on the list filtered to 填写中, chooses the
colleague and the 评审活动 but forgets the 真实性承诺; the reason shows with the form open, the colleague and the
活动 still chosen, on the same filtered list; ticking the 承诺 then opens the draft."""

import re

import pytest
from playwright.sync_api import Page, expect

from title_review.accounts.models import User
from title_review.organisations.models import Organisation
from title_review.reviews.tests.conftest import publish_review_round

from .pages import field, sign_in

pytestmark = pytest.mark.browser


def test_a_refused_fill_keeps_the_colleague_and_the_round(page: Page, site):
    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    round_ = publish_review_round(users, orgs)
    sign_in(page, "hospitaladmin")
    page.goto("/reviews/manage/?status=draft")
    page.get_by_text("填写材料（为本单位工作人员填写）").click()
    form = page.locator("form", has=page.get_by_role("button", name="开始填写"))
    field(form, "工作人员").select_option(str(users["applicant"].pk))
    field(form, "评审活动").select_option(str(round_.pk))
    expect(form.get_by_label("已由申报人确认真实性承诺")).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="开始填写").click()

    expect(page).to_have_url(re.compile(r"/reviews/manage/\?status=draft$"))
    expect(page.get_by_role("alert").filter(has_text="请阅读并勾选《真实性承诺》后再开始申报。")).to_be_visible()
    expect(field(form, "工作人员")).to_be_visible()  # the form is open again
    expect(field(form, "工作人员")).to_have_value(str(users["applicant"].pk))
    expect(field(form, "评审活动")).to_have_value(str(round_.pk))

    form.get_by_label("已由申报人确认真实性承诺").check()
    with page.expect_navigation():
        page.get_by_role("button", name="开始填写").click()
    expect(page).to_have_url(re.compile(r"/declarations/\d+/$"))
