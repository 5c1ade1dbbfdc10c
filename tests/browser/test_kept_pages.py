"""The browser flows' pages are kept between tests (conftest.Pages): one lent again must be as a new one."""

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORT
from .pages import field, sign_in

pytestmark = pytest.mark.browser


def test_a_page_given_back_is_lent_again_with_nothing_of_the_last_test(pages, site):
    used = pages.lend()
    sign_in(used, "hzadmin")
    used.evaluate("() => { localStorage.setItem('draft', 'x'); sessionStorage.setItem('tab', 'y'); }")
    used.context.new_page().goto("/accounts/login/")
    used.set_viewport_size({"width": 390, "height": 844})
    assert used.context.cookies()
    pages.give_back(used)

    again = pages.lend()
    try:
        assert again is used  # kept, not opened again
        assert again.context.pages == [again]
        assert again.context.cookies() == []
        assert again.viewport_size == VIEWPORT
        assert again.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
        again.goto("/")  # no longer signed in: the login page
        expect(field(again, "登录名")).to_be_visible()
    finally:
        pages.give_back(again)


def test_a_page_whose_context_the_test_closed_is_not_lent_again(pages, site):
    closed = pages.lend()
    closed.context.close()
    pages.give_back(closed)
    fresh = pages.lend()
    try:
        assert fresh is not closed
        assert not fresh.is_closed()
        fresh.goto("/accounts/login/")
        expect(field(fresh, "登录名")).to_be_visible()
    finally:
        pages.give_back(fresh)
