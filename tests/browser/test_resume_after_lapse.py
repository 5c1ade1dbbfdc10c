"""继续提交: the 直属学校管理中心 reviewer writes a 退回理由 while the 30 idle minutes run out and presses 退回. The login
page says the login lapsed and the text is kept; after signing in, 继续提交 shows it, and one click returns the
declaration with that reason (accounts.resume)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from title_review.accounts.models import User
from title_review.organisations.models import Organisation
from title_review.reviews.tests.conftest import publish_review_round
from title_review.reviews.tests.factories import submit_for
from title_review.reviews.tests.test_chain import forward, to_ready

from .pages import LOGIN_URL, field, screenshot, sign_in, submit

pytestmark = pytest.mark.browser

REASON = "年度考核表缺少单位盖章，请补充后重新提交。"


def test_a_return_written_as_the_login_lapsed_is_sent_after_signing_in_again(page, site):
    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    declaration = forward(users, to_ready(users, submit_for(users["teacher"], publish_review_round(users, orgs))))
    sign_in(page, "zsadmin")
    page.goto(f"/reviews/track/{declaration.pk}/")
    field(page, "退回理由").fill(REASON)
    page.get_by_label("年度考核").check()

    # Thirty minutes without a request: the session's row is past its expiry.
    Session.objects.all().update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    submit(page, "退回")

    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("alert").filter(has_text="登录已超时")).to_contain_text("您刚才提交的内容已保留")
    field(page, "登录名").fill("zsadmin")
    field(page, "密码").fill("Demo@2026")
    submit(page, "登录")

    expect(page.get_by_role("heading", level=1)).to_have_text("继续提交")
    written = page.get_by_role("region", name="您填写的内容").get_by_role("listitem")
    expect(written).to_have_text([REASON, "年度考核"])  # what was written and ticked; not the form's codes
    screenshot(page, "resume-after-lapse")
    submit(page, "继续提交")

    expect(page.get_by_text("已退回。")).to_be_visible()
    declaration.refresh_from_db()
    assert declaration.status == "returned"
    record = declaration.records.filter(action="return").latest("pk")
    assert record.reason == REASON and record.sections == ["年度考核"]
