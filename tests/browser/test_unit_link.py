"""维护所属单位 and 基础信息 (issue 15 point 3): a person fills in 民族 and 政治面貌, asks to join a unit found by
name, is refused with a reason, asks again and is approved; the 所属单位历史 names the unit and who approved."""

import pytest
from playwright.sync_api import expect

from .pages import field, sign_in, sign_out, submit

pytestmark = pytest.mark.browser


def test_basic_information_and_a_unit_link_request(page, site):
    from title_review.accounts.models import User

    hospital = User.objects.get(username="hospitaladmin").organisation
    approver = User.objects.get(username="hospitaladmin").display_name
    sign_in(page, "teacher")
    page.goto("/accounts/profile/")
    field(page, "民族").select_option(label="畲族")
    field(page, "政治面貌").select_option(label="中国共产党党员")
    field(page, "现聘岗位").fill("专业技术十级")
    field(page, "参加工作时间").fill("2999-01-01")
    submit(page, "保存")
    expect(page.get_by_text("参加工作时间不能晚于今天。")).to_be_visible()
    expect(field(page, "现聘岗位")).to_have_value("专业技术十级")  # nothing lost
    field(page, "参加工作时间").fill("2012-08-01")
    submit(page, "保存")
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(field(page, "民族")).to_have_value("22")

    with page.expect_navigation():
        page.get_by_role("link", name="维护所属单位").click()
    field(page, "单位名称或统一社会信用代码").fill(hospital.name)
    submit(page, "查找并提交申请")
    expect(page.get_by_text(f"已向“{hospital.name}”提交加入申请")).to_be_visible()
    sign_out(page)

    sign_in(page, "hospitaladmin")
    page.goto("/organisations/employer/filing-accounts/")
    row = page.get_by_role("row").filter(has_text=User.objects.get(username="teacher").real_name)
    with page.expect_navigation():
        row.get_by_role("button", name="禁用").click()
    expect(page.get_by_text("请填写不同意的理由，申请人将看到它。")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=User.objects.get(username="teacher").real_name)
    row.get_by_placeholder("不同意的理由（禁用时必填）").fill("请先提交聘用合同")
    with page.expect_navigation():
        row.get_by_role("button", name="禁用").click()
    expect(page.get_by_text("已禁用")).to_be_visible()
    sign_out(page)

    sign_in(page, "teacher")
    page.goto("/organisations/join/")
    expect(page.get_by_test_id("last-request")).to_contain_text("未同意。理由：请先提交聘用合同")
    field(page, "单位名称或统一社会信用代码").fill(hospital.name)
    submit(page, "查找并提交申请")
    sign_out(page)

    sign_in(page, "hospitaladmin")
    page.goto("/organisations/employer/filing-accounts/")
    row = page.get_by_role("row").filter(has_text=User.objects.get(username="teacher").real_name)
    with page.expect_navigation():
        row.get_by_role("button", name="开通").click()
    expect(page.get_by_text("已开通")).to_be_visible()
    sign_out(page)

    sign_in(page, "teacher")
    page.goto("/organisations/join/")
    expect(page.get_by_test_id("current-unit")).to_have_text(hospital.name)
    history = page.get_by_test_id("unit-history")
    expect(history.get_by_role("row").filter(has_text=hospital.name)).to_contain_text(approver)
    expect(history.get_by_role("row").filter(has_text=hospital.name)).to_contain_text("至今")
