"""A department sees a declaration, and its files, only once the employer has reported it up.

朱老师 submits; the 直属学校管理中心 finds nothing in 上报材料跟踪 and its 证件照 address shows 页面不存在. The
school passes, publicises and reports it up; now the same person finds the row and downloads the photo.
"""

import pytest
from playwright.sync_api import expect

from .pages import open_menu, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def submitted(site):
    from title_review.accounts.models import User
    from title_review.organisations.models import Organisation
    from title_review.printing.tests.conftest import make_round
    from title_review.reviews.tests.factories import submit_for

    users = {u.username: u for u in User.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    return users, submit_for(users["teacher"], make_round(users, orgs, "review"))


def test_a_department_meets_the_declaration_and_its_photo_only_after_it_is_reported_up(page, submitted):
    from title_review.attachments.models import Attachment
    from title_review.reviews.tests.test_chain import forward, to_ready

    users, declaration = submitted
    photo = Attachment.objects.get(target_id=declaration.pk, kind="photo")

    sign_in(page, "zsadmin")
    open_menu(page, "上报材料跟踪")
    expect(page.get_by_role("row").filter(has_text="朱老师")).to_have_count(0)
    response = page.goto(f"/attachments/{photo.pk}/download/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()

    forward(users, to_ready(users, declaration))

    open_menu(page, "上报材料跟踪")
    expect(page.get_by_role("row").filter(has_text="朱老师")).to_have_count(1)
    download = page.request.get(f"/attachments/{photo.pk}/download/")
    assert download.status == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.body()[:8] == b"\x89PNG\r\n\x1a\n"
