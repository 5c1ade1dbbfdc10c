"""Browser fixtures: the system Chromium, driven by Playwright, against pytest-django's live server.

One browser per session; every test gets a fresh context (no shared cookies) and page. The data is
the demo tree (root conftest `seeded`), reloaded for every test because the live server needs a
transactional database that is flushed after each test.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install the system Chromium to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def site(live_server, transactional_db, seeded) -> str:
    """The live server's address, with the dictionaries and the demo tree loaded."""
    return live_server.url


@pytest.fixture
def page(browser, site) -> Iterator["object"]:
    context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    # A destructive form asks window.confirm (static/js/app.js); a person answers 确定.
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
    finally:
        context.close()
