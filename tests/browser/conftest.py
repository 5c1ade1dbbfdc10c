"""Browser fixtures: the system Chromium, driven by Playwright, against pytest-django's live server.

One browser per session; every test gets a fresh context (no shared cookies) and page. The data is
the demo tree (root conftest `seeded`), reloaded for every test because the live server needs a
transactional database that is flushed after each test.
"""

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

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
def browser() -> Iterator["Browser"]:
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


# The seeded in-memory SQLite database, copied after the first load (see `demo_data`).
_SQLITE_SNAPSHOTS: dict[str, sqlite3.Connection] = {}


@pytest.fixture
def demo_data(request: pytest.FixtureRequest, transactional_db: None) -> None:
    """The dictionaries and the demo tree, as the root fixture `seeded` loads them.

    The live server needs a transactional database, which is emptied after every test, so the data
    is loaded for every test. On the in-memory SQLite test database the first load is copied with
    SQLite's backup API and later tests restore that copy (milliseconds instead of re-running the
    two commands); on any other database `seeded` runs each time.
    """
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        request.getfixturevalue("seeded")
        return
    connection.ensure_connection()
    key = str(connection.settings_dict["NAME"])
    snapshot = _SQLITE_SNAPSHOTS.get(key)
    if snapshot is not None:
        snapshot.backup(connection.connection)
        return
    request.getfixturevalue("seeded")
    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(snapshot)
    _SQLITE_SNAPSHOTS[key] = snapshot


@pytest.fixture
def site(live_server, demo_data) -> str:
    """The live server's address, with the demo data loaded."""
    return live_server.url


def _open_page(browser: "Browser", site: str) -> "Page":
    """A fresh browser context (its own cookies, as another computer would have) and one page in it."""
    context = browser.new_context(base_url=site, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Forms marked data-confirm (停用, 删除) ask window.confirm (static/js/app.js); a person answers 确定.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def page(browser: "Browser", site: str) -> Iterator["Page"]:
    page = _open_page(browser, site)
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture
def open_page(browser: "Browser", site: str) -> Iterator[Callable[[], "Page"]]:
    """Opens more pages, each in its own context: other people signed in at the same time."""
    opened: list[Page] = []

    def _open() -> "Page":
        opened.append(_open_page(browser, site))
        return opened[-1]

    try:
        yield _open
    finally:
        for other in opened:
            other.context.close()
