"""An employer's registry in the browser (issue 12's list pattern): 杭州第二中学's administrator opens 经办账号管理
with 120 accounts, pages on, finds one account by its user's name and clears the filter."""

import pytest
from playwright.sync_api import expect

from .pages import field, open_menu, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def many_accounts(site):
    from title_review.accounts.models import AccountKind, User
    from title_review.organisations.models import Organisation

    school = Organisation.objects.get(name="杭州第二中学")
    User.objects.bulk_create(
        User(username=f"clerk{i:03d}", real_name=f"经办{i:03d}", kind=AccountKind.SUB_ACCOUNT, organisation=school)
        for i in range(120)
    )
    return site


def test_the_administrator_pages_through_and_finds_an_account_by_name(page, many_accounts):
    page.goto("/")
    sign_in(page, "schooladmin")
    open_menu(page, "经办账号管理")
    rows = page.locator("table tbody tr").filter(has=page.get_by_role("button", name="删除"))
    expect(rows).to_have_count(50)
    expect(page.get_by_text("第 1/3 页")).to_be_visible()
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_text("第 2/3 页")).to_be_visible()
    expect(rows).to_have_count(50)

    field(page, "按登录名或使用人查找").fill("经办077")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("clerk077")
    page.get_by_role("link", name="清除").click()
    expect(rows).to_have_count(50)
    expect(page.get_by_text("第 1/3 页")).to_be_visible()
