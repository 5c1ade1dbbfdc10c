"""Flow 1: every demo account signs in and sees the left menu its capabilities allow, and no more.

The expected menu is computed from access.menu.MENU and access.policies.has_capability, so the
test follows the capability table; a few spot checks pin the rules a reviewer would name
(三员分立, 字典由省级统一维护, an applicant's bare menu) so that a wrong table cannot pass unnoticed.
"""

import re

import pytest
from playwright.sync_api import expect

from title_review.access.menu import MENU
from title_review.access.policies import has_capability
from title_review.demo.data import ACCOUNTS

from .pages import main_menu, menu_links, named, open_menu, sign_in

pytestmark = pytest.mark.browser

ALL_LABELS = [item.label for section in MENU for item in section.items]

APPLICANT_MENU = {
    "工作台",
    "个人信息",
    "站内信",
    "我的下载",
    "业绩档案",
    "我的申报",
    "评审活动",
    "被退回的材料",
    "上报材料跟踪",
}

# username -> (labels that must be in the menu, labels that must not be)
SPOT_CHECKS = {
    "auditor": ({"操作日志", "登录日志"}, {"机构树"}),
    "sysadmin": ({"机构树"}, {"操作日志", "登录日志"}),  # 三员分立: no audit logs for the system admin
    "hzadmin": ({"机构树", "代码字典"}, {"接收更新代码"}),  # a city office only reads the dictionaries
    "zjadmin": ({"机构树", "代码字典", "接收更新代码"}, {"操作日志"}),
    "applicant": (APPLICANT_MENU, set(ALL_LABELS) - APPLICANT_MENU),
    "hospitaladmin": ({"单位信息", "单位工作人员", "工作账号管理"}, {"参数设置", "接收更新代码"}),
}


def expected_menu(username: str) -> list[str]:
    """The labels this account should see, in menu order."""
    from title_review.accounts.models import User

    user = User.objects.get(username=username)
    return [item.label for section in MENU for item in section.items if has_capability(user, item.action)]


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_each_demo_account_sees_its_own_menu(page, username):
    real_name = next(name for account, name, *_rest in ACCOUNTS if account == username)
    expected = expected_menu(username)
    if username in SPOT_CHECKS:
        present, absent = SPOT_CHECKS[username]
        assert present <= set(expected), f"{username} should have {present - set(expected)} in the menu"
        assert not absent & set(expected), f"{username} should not have {absent & set(expected)} in the menu"
        if username == "applicant":
            assert set(expected) == APPLICANT_MENU

    sign_in(page, username)

    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_test_id("current-user")).to_contain_text(real_name)
    expect(menu_links(page)).to_have_text(expected)
    for label in set(ALL_LABELS) - set(expected):
        expect(main_menu(page).get_by_role("link", name=named(label))).to_have_count(0)

    # Every item shown opens its page (no 无权访问 behind a visible link) and is highlighted there.
    for label in expected:
        open_menu(page, label)
        expect(main_menu(page).get_by_role("link", name=named(label))).to_have_class(re.compile(r"\bactive\b"))


def test_system_admin_is_refused_the_audit_log_even_by_address(page):
    """三员分立: hiding the menu item is not enough; the page itself refuses the system admin."""
    sign_in(page, "sysadmin")
    response = page.goto("/audit/events/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
