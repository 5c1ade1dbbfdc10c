"""A title typed with a right-to-left override (issue 10, finding 9, for every stored text): the page says which
box holds the invisible character and keeps what was typed; without it the row saves."""

import pytest
from playwright.sync_api import expect

from .pages import field, sign_in, submit

pytestmark = pytest.mark.browser


def test_an_invisible_character_in_a_training_title_is_shown_at_its_box_and_nothing_is_lost(page):
    sign_in(page, "applicant")
    page.goto("/achievements/training/")
    page.get_by_text("新增继续教育").click()
    field(page, "年度").fill("2025")
    field(page, "类别").select_option(label="专业科目")
    field(page, "培训项目").fill("急诊急救\u202e新进展")
    field(page, "学时").fill("24")
    submit(page, "保存")

    expect(page.get_by_text("培训项目含有不可见的控制字符，请删除后重新输入。")).to_be_visible()
    expect(field(page, "培训项目")).to_have_value("急诊急救\u202e新进展")
    expect(field(page, "学时")).to_have_value("24")  # the other boxes keep their values too
    expect(page.get_by_role("cell", name="急诊急救")).to_have_count(0)

    field(page, "培训项目").fill("急诊急救新进展")
    submit(page, "保存")
    expect(page.get_by_text("已保存到“继续教育”")).to_be_visible()
    expect(page.get_by_role("cell", name="急诊急救新进展")).to_be_visible()
