"""撤回提交 in the browser: 朱老师 submits, takes the submission back from 我的申报 before the school acts, and
finds the dossier editable again (refusals once the school has acted: reviews/tests/test_take_back.py)."""

import pytest
from playwright.sync_api import Page, expect

from .pages import open_menu, sign_in
from .test_review_chain import teacher_draft  # noqa: F401 — the shared fixture

pytestmark = pytest.mark.browser


def test_the_teacher_takes_a_submission_back_before_the_school_acts(page: Page, teacher_draft):  # noqa: F811
    from title_review.accounts.models import User
    from title_review.declarations import services as declarations

    declarations.submit_declaration(actor=User.objects.get(username="teacher"), declaration_id=teacher_draft.pk)
    sign_in(page, "teacher")
    open_menu(page, "我的申报")
    row = page.get_by_role("row").filter(has_text="2026年度中小学教师职称评审")
    expect(row).to_contain_text("待单位审核")
    with page.expect_navigation():
        row.get_by_role("button", name="撤回提交").click()  # the confirm dialog is answered 确定
    expect(page.get_by_role("alert").first).to_contain_text("已撤回提交")
    expect(page.get_by_role("button", name="提交")).to_be_visible()
    open_menu(page, "我的申报")
    row = page.get_by_role("row").filter(has_text="2026年度中小学教师职称评审")
    expect(row).to_contain_text("填写中")
    expect(row.get_by_role("button", name="撤回提交")).to_have_count(0)
