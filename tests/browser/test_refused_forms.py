"""A refused form loses nothing (the meeting pages): the secretary forms a 评议组 with two members ticked, is told
at the form that it takes three, finds the name, the two ticks and 须评分 still there, ticks a third and 组建s it;
an expert's 评议意见 refused for its score comes back with the text written."""

import pytest
from playwright.sync_api import expect

from title_review.committees.tests.factories import sign_in, sitting

from .pages import field, signed_in_page

pytestmark = pytest.mark.browser


def test_a_refused_panel_and_a_refused_opinion_keep_what_was_chosen_and_written(browser, site):
    world = sitting(members=11)
    experts = world["experts"]
    secretary = signed_in_page(browser, site, world["secretary"])
    secretary.goto(f"/committees/meetings/{world['meeting'].pk}/")
    secretary.get_by_text("组建评议组", exact=True).click()
    field(secretary, "评议组名称").fill("中学物理组")
    members = field(secretary, "评议组成员（至少 3 人）")
    members.select_option([str(experts[0].pk), str(experts[1].pk)])
    secretary.get_by_label("须评分").check()
    with secretary.expect_navigation():
        secretary.get_by_role("button", name="组建").click()

    form = secretary.locator("form", has=secretary.get_by_role("button", name="组建"))
    expect(form.get_by_role("alert")).to_have_text("评议组至少由 3 名评委组成，现为 2 人。")
    expect(field(secretary, "评议组名称")).to_have_value("中学物理组")
    expect(secretary.get_by_label("须评分")).to_be_checked()
    assert sorted(members.evaluate("s => [...s.selectedOptions].map(o => o.value)")) == sorted(
        [str(experts[0].pk), str(experts[1].pk)]
    )
    # The third member added to the two kept (Ctrl-click in a list; here: the three chosen).
    members.select_option([str(e.pk) for e in experts[:3]])
    with secretary.expect_navigation():
        secretary.get_by_role("button", name="组建").click()
    expect(secretary.get_by_role("alert").first).to_contain_text("已组建评议组“中学物理组”（3 人）")

    # 分配评议, then the first expert writes an opinion with a score out of range.
    secretary.get_by_text("分配评议", exact=True).click()
    field(secretary, "申报材料").select_option(str(world["declaration"].pk))
    with secretary.expect_navigation():
        secretary.get_by_role("button", name="分配").click()
    expect(secretary.get_by_role("alert").first).to_contain_text("已将 1 份申报材料分配给“中学物理组”")
    sign_in(world, 3)
    expert = signed_in_page(browser, site, experts[0])
    expert.goto(f"/committees/mine/{world['meeting'].pk}/")
    written = "教学业绩突出，公开课效果好，同意推荐。"
    field(expert, "评议意见").fill(written)
    field(expert, "评分（0-100）").fill("150")
    # The browser's own range check is what a person meets first; the server's is what counts.
    field(expert, "评分（0-100）").evaluate("input => input.removeAttribute('max')")
    with expert.expect_navigation():
        expert.get_by_role("button", name="提交评议意见").click()
    expect(expert.get_by_role("alert").first).to_have_text("请填写 0 到 100 之间的评分。")
    expect(field(expert, "评议意见")).to_have_value(written)
    field(expert, "评分（0-100）").fill("92")
    with expert.expect_navigation():
        expert.get_by_role("button", name="提交评议意见").click()
    expect(expert.get_by_text("已提交评议意见。")).to_be_visible()
