"""The browser's --disable-features switch keeps every feature Playwright itself turns off.

Chromium reads only the last --disable-features it is given, so the one in conftest.LAUNCH_ARGS replaces
Playwright's own. If an upgrade of Playwright adds a feature to its list (it turns off PaintHolding, for
instance, so screenshots are not blank), this test names it rather than letting the flows quietly run
with it on. A unit test: no browser is started.
"""

import re
from pathlib import Path

import playwright

from .conftest import DISABLED_FEATURES, LAUNCH_ARGS, PLAYWRIGHT_DISABLED_FEATURES

DRIVER = Path(playwright.__file__).resolve().parent / "driver" / "package" / "lib"
PLAYWRIGHT_LIST = re.compile(r"disabledFeatures = \[(.*?)\]\.filter\(Boolean\)", re.S)


def playwright_disabled_features() -> list[str]:
    """The list the installed Playwright driver passes to Chromium (chromiumSwitches in its bundle)."""
    for script in sorted(DRIVER.rglob("*.js")):
        found = PLAYWRIGHT_LIST.search(script.read_text(encoding="utf-8", errors="replace"))
        if found:
            without_comments = re.sub(r"//[^\n]*", "", found.group(1))
            return re.findall(r'"([^"]+)"', without_comments)
    raise AssertionError(f"Playwright's --disable-features list was not found under {DRIVER}: compare it by hand")


def test_our_switch_keeps_every_feature_playwright_turns_off():
    theirs = playwright_disabled_features()
    assert "PaintHolding" in theirs  # the reading found the real list
    assert sorted(set(theirs) - set(PLAYWRIGHT_DISABLED_FEATURES)) == []


def test_there_is_one_disable_features_switch_and_it_names_render_document():
    switches = [a for a in LAUNCH_ARGS if a.startswith("--disable-features=")]
    assert switches == ["--disable-features=" + ",".join(DISABLED_FEATURES)]
    assert "RenderDocument" in switches[0].split("=", 1)[1].split(",")
