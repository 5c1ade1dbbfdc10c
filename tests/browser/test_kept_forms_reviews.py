"""A refused 上报 loses nothing: the school ticks 朱老师, whose 单位内部公示 began today, fills in the 经办人 and
presses 上报; it is told why not, and finds 朱老师 still ticked (the other row not), the 经办人 and the phone still
there, on the 上报材料 tab; a second visit shows the form empty (HTTP cases of the other employer, 公示表 and
inbox forms: reviews/tests/test_kept_forms.py)."""

import pytest
from playwright.sync_api import Page, expect

from .pages import field, open_menu, sign_in, submit
from .test_review_chain import teacher_draft  # noqa: F401 — the shared fixture

pytestmark = pytest.mark.browser


def test_a_refused_forward_keeps_the_ticks_and_the_operator(page: Page, teacher_draft):  # noqa: F811
    from django.utils import timezone

    from title_review.accounts.models import User
    from title_review.declarations import services as declarations
    from title_review.declarations.workflow import Status
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.test_chain import _refresh, to_ready
    from title_review.reviews.tests.test_views import _flood

    users = {u.username: u for u in User.objects.filter(username__in=["teacher", "schooladmin"])}
    declarations.submit_declaration(actor=users["teacher"], declaration_id=teacher_draft.pk)
    to_ready(users, _refresh(teacher_draft), starts_on=timezone.localdate())  # the 公示 runs until next week
    school = Organisation.objects.get(name="杭州第二中学")
    _flood(teacher_draft.round, school, school, 1, start=70_000, status=Status.READY_TO_FORWARD)

    sign_in(page, "schooladmin")
    open_menu(page, "单位审核")
    with page.expect_navigation():
        page.get_by_role("link", name="上报材料", exact=True).click()
    page.get_by_role("checkbox", name="选择 朱老师").check()
    field(page, "经办人姓名").fill("卫学校")
    field(page, "经办人联系电话").fill("0571-88888888")
    submit(page, "上报")

    expect(page.get_by_role("alert").filter(has_text="朱老师的单位内部公示尚未结束")).to_be_visible()
    expect(page.get_by_role("link", name="上报材料", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("checkbox", name="选择 朱老师")).to_be_checked()
    expect(page.get_by_role("checkbox", name="选择 批量70000")).not_to_be_checked()
    expect(field(page, "经办人姓名")).to_have_value("卫学校")
    expect(field(page, "经办人联系电话")).to_have_value("0571-88888888")

    # Once: the tab opened again shows the form as new.
    with page.expect_navigation():
        page.get_by_role("link", name="上报材料", exact=True).click()
    expect(page.get_by_role("checkbox", name="选择 朱老师")).not_to_be_checked()
    expect(field(page, "经办人姓名")).to_have_value("")
