"""A newcomer after `make run` (issue 15 point 9): signed in with the README's demo accounts in a real browser,
each finds work waiting on the page the menu leads to — nothing built by hand first."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from title_review.demo import activity_data as data

from .pages import open_menu, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def living_province(site):
    """`make run`'s demo: the tree (the session's seed) and the activity, committed for the live server."""
    call_command("load_demo_activity", stdout=io.StringIO())
    return site


def test_a_newcomer_finds_work_at_every_desk_of_the_chain(page: Page, open_page, living_province):
    sign_in(page, "schooladmin")
    open_menu(page, "单位审核")
    expect(page.get_by_role("row").filter(has_text="何佳慧")).to_have_count(1)

    reviewer = open_page()
    sign_in(reviewer, "zsadmin")
    open_menu(reviewer, "待审核材料")
    expect(reviewer.get_by_role("row").filter(has_text="宋国平")).to_contain_text("年度杭州市中小学教师职称评审")

    checker = open_page()
    sign_in(checker, "hzcheck")
    open_menu(checker, "待审核材料")
    for name in ("胡晓燕", "许振宇", "董秀英"):
        expect(checker.get_by_role("row").filter(has_text=name)).to_have_count(1)

    applicant = open_page()
    sign_in(applicant, "applicant")
    open_menu(applicant, "被退回的材料")
    expect(applicant.get_by_text(data.DEPARTMENT_RETURN[0])).to_be_visible()

    expert = open_page()
    sign_in(expert, "gczj01")
    open_menu(expert, "我的评审会议")
    expect(expert.get_by_text("年度浙江省正高级工程师评审会议")).to_be_visible()
