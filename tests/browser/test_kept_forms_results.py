"""A refused 处理说明 loses nothing (评后管理): the office writes a long explanation of an objection, is told it is
over 2,000 字, finds the text and its choice (异议成立) still in that objection's form, shortens it and handles
the objection."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from title_review.accounts.models import User
from title_review.results import services
from title_review.results.tests.factories import voted_meeting

from .pages import sign_in

pytestmark = pytest.mark.browser


def test_a_long_explanation_refused_is_still_in_the_objection_form(page: Page, site):
    world = voted_meeting()
    office = User.objects.get(username="hzadmin")
    batch = services.receive_meeting(actor=office, meeting_id=world["meeting"].pk)
    services.start_publicity(actor=office, batch_id=batch.pk, starts_on=timezone.localdate())
    person = world["second"].applicant_name
    entry = batch.entries.get(declaration=world["second"])
    services.submit_objection(entry_id=entry.pk, name="张三", mobile="13912345678", content="业绩材料与实际不符。")
    written = "经核实：\n" + "申报人提交的业绩材料与单位存档一致，异议所称情况不属实。" * 80  # over 2,000 字

    sign_in(page, "hzadmin")
    page.goto(f"/results/batches/{batch.pk}/")
    box = page.get_by_role("row").filter(has_text=person).get_by_label("异议 张三")
    box.get_by_label("处理说明").fill(written)
    with page.expect_navigation():
        box.get_by_role("button", name="异议成立").click()

    expect(page.get_by_role("alert")).to_contain_text("处理说明不能超过 2000 个字")
    box = page.get_by_role("row").filter(has_text=person).get_by_label("异议 张三")
    expect(box.get_by_label("处理说明")).to_have_value(written)
    expect(box).to_contain_text("上次选择“异议成立”")

    shortened = written[:1990]
    box.get_by_label("处理说明").fill(shortened)
    with page.expect_navigation():
        box.get_by_role("button", name="异议成立").click()
    expect(page.get_by_role("alert")).to_contain_text("异议已处理。该人员不予通过。")
    row = page.get_by_role("row").filter(has_text=person)
    expect(row).to_contain_text("处理结果：成立")
    expect(row.get_by_label("处理说明")).to_have_count(0)
