"""Flow 1 in a real browser: an account signs in and its left menu renders, reads as its capabilities
allow, and works (each item opens its page and is highlighted there).

Every demo account's menu is checked over HTTP in tests/test_menus.py, with the same assertions; here
two accounts prove the same in Chromium: the applicant's bare menu and the audit administrator's (三员分立).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.test_menus import ALL_LABELS, expected_menu
from title_review.demo.data import ACCOUNTS

from .pages import main_menu, menu_links, named, open_menu, sign_in

pytestmark = pytest.mark.browser

IN_A_BROWSER = ["applicant", "auditor"]


@pytest.mark.parametrize("username", IN_A_BROWSER)
def test_each_demo_account_sees_its_own_menu(page, username):
    real_name = next(name for account, name, *_rest in ACCOUNTS if account == username)
    expected = expected_menu(username)

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
