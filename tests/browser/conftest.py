"""Browser fixtures: the system Chromium, driven by Playwright, against pytest-django's live server.

One browser per session; every test gets a page of its own context, as new: no cookies, no storage, no other
tabs (pages are kept and made as new between tests, `Pages`; a new one costs Chromium a process). The data is
the demo tree the root conftest seeds once per session; each browser test commits, and the seed is
put back after it.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
# Playwright passes Chromium a --disable-features list of its own; Chromium reads only the last such switch, so
# ours repeats Playwright's (1.65's, tests/browser/test_launch.py compares it with the installed driver's) and adds:
# - RenderDocument: a new frame host for every navigation. Without it a navigation takes about a fifth less of
#   Chromium's CPU (63 -> 49 ms for a plain page, 2-core AMD, 2026-12-05) and the browser flows about 5 % less
#   wall time; what a page shows and does is the same (ADR 0050).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
DISABLED_FEATURES = (*PLAYWRIGHT_DISABLED_FEATURES, "RenderDocument")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install the system Chromium to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs the code after start() in another context (a greenlet's), where Django keeps
    # other connection objects; the ones of the context it leaves stay open, idle, until the process ends, and
    # PostgreSQL then refuses to drop the worker's test database ("being accessed by other users"). So every
    # connection is closed on both sides of the switch (they reopen when next used).
    connections.close_all()
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        connections.close_all()
        playwright.stop()


@pytest.fixture
def demo_data(transactional_db: None, seeded: None) -> None:
    """The dictionaries and the demo tree, committed, so the live server's threads see them.

    The live server needs a transactional database, which Django empties after the test; the root
    conftest then puts the session's seed back (tests/demo_seed.py)."""


@pytest.fixture
def site(live_server, demo_data) -> str:
    """The live server's address, with the demo data loaded."""
    return live_server.url


VIEWPORT = {"width": 1366, "height": 900}


def _open_page(browser: "Browser", site: str) -> "Page":
    """A fresh browser context (its own cookies, as another computer would have) and one page in it."""
    context = browser.new_context(base_url=site, locale="zh-CN", viewport=VIEWPORT)
    # Actions and waits (a click, a navigation, a download) give up after 30 s: a signed 电子证书 PDF took over
    # 10 s to arrive on a slow 2-core machine while the other test worker ran the object matrix (CI, 2026-12-05).
    # A page that never answers still fails; only a slow one no longer does.
    context.set_default_timeout(30_000)
    page = context.new_page()
    # Forms marked data-confirm (停用, 删除) ask window.confirm (static/js/app.js); a person answers 确定.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


CLEAR_STORAGE = "() => { window.localStorage.clear(); window.sessionStorage.clear(); }"


class Pages:
    """Pages kept for the session, each in a browser context of its own, lent to one test at a time.

    A new context and page cost Chromium a renderer process: opening one, showing the login page and closing it took
    1.1-1.6 s of CPU on a 2-core machine (AMD EPYC, 2026-12-05); showing the login page on a kept page and making it
    as new, 0.4-0.5 s. A page given back is made as new before it is lent again — its other tabs closed, local and
    session storage cleared (static/js/app.js keeps drafts there), no cookies, no permissions, the usual viewport,
    on a small document of the site — or closed, with its context, if that fails or the test closed it. The browser
    flows took 256 s instead of 301 s (`-n 2`)."""

    def __init__(self, browser: "Browser", site: str) -> None:
        from django.templatetags.static import static

        self.browser = browser
        self.site = site
        self.free: list[Page] = []
        # A small file of the site: a document of the site's origin, whose storage can be cleared.
        self.on_site = site + static("css/app.css")

    def lend(self) -> "Page":
        return self.free.pop() if self.free else _open_page(self.browser, self.site)

    def give_back(self, page: "Page") -> None:
        from playwright.sync_api import Error

        if page.is_closed():
            return
        context = page.context
        try:
            for other in context.pages:
                if other != page:
                    other.close()
            # Without cookies first: the document's own requests (and the favicon Chromium asks for after it) go as
            # a stranger's, so no answer can set a cookie once they are cleared again.
            context.clear_cookies()
            # A small document of the site's own origin: it stops what the test's last page was doing, lets the
            # site's storage be cleared, and keeps the renderer (about:blank would be another site, another process).
            page.goto(self.on_site)
            page.evaluate(CLEAR_STORAGE)
            context.clear_cookies()
            context.clear_permissions()
            page.set_viewport_size(VIEWPORT)
            if context.storage_state() != {"cookies": [], "origins": []}:
                raise Error("the page kept cookies or storage")
        except Error:
            context.close()
            return
        self.free.append(page)


@pytest.fixture(scope="session")
def pages(browser: "Browser", live_server) -> Pages:
    return Pages(browser, live_server.url)


@pytest.fixture
def page(pages: Pages, site: str) -> Iterator["Page"]:
    page = pages.lend()
    try:
        yield page
    finally:
        pages.give_back(page)


@pytest.fixture
def open_page(pages: Pages, site: str) -> Iterator[Callable[[], "Page"]]:
    """Opens more pages, each in its own context: other people signed in at the same time."""
    opened: list[Page] = []

    def _open() -> "Page":
        opened.append(pages.lend())
        return opened[-1]

    try:
        yield _open
    finally:
        for other in opened:
            pages.give_back(other)
