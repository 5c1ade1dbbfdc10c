"""An office user opens a declaration's 审核记录 and downloads its 评审表 as a PDF."""

import pytest
from playwright.sync_api import expect

from .pages import named, open_menu, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def forwarded_declaration(site):
    """朱老师's declaration, passed and publicised by the school and forwarded (the 评审表 has its 单位意见)."""
    from title_review.accounts.models import User
    from title_review.organisations.models import Organisation
    from title_review.printing.tests.conftest import make_round, to_department
    from title_review.reviews.tests.factories import submit_for

    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    round_ = make_round(users, orgs, "review")
    return to_department(users, submit_for(users["teacher"], round_))


def test_an_office_user_downloads_the_review_form(page, forwarded_declaration):
    sign_in(page, "hzcheck")
    open_menu(page, "上报材料跟踪")
    page.get_by_role("row").filter(has_text="朱老师").get_by_role("link", name="审核记录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("朱老师")
    card = page.get_by_role("region", name="打印表格（PDF）")
    expect(card).to_be_visible()
    with page.expect_download() as info:
        card.get_by_role("link", name=named("评审表")).click()
    download = info.value
    assert download.suggested_filename == "朱老师-评审表.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
