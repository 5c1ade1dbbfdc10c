"""HTML templates → PDF with WeasyPrint, offline and with the vendored OFL font only (ADR 0013).

WeasyPrint may read two kinds of URL: `data:` (the employer's seal, inlined by the caller) and the
font files in settings.PRINTING["FONT_DIR"]. Anything else — http(s), another file on disk — stops the
rendering with an error instead of being fetched, so a form can never reach the network or leak a
local file into a PDF.

Fontconfig is started with an empty configuration, so the system's fonts are invisible: every glyph
comes from the vendored font, and a PDF looks the same on every server whatever fonts it has.
"""

import atexit
import functools
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FONT_FAMILY = "ZC Print Sans"
FONT_FILES = {400: "NotoSansSC-Regular-subset.otf", 700: "NotoSansSC-Bold-subset.otf"}


def font_dir() -> Path:
    return Path(settings.PRINTING["FONT_DIR"]).resolve()


def font_paths() -> list[Path]:
    return [font_dir() / name for name in FONT_FILES.values()]


@functools.cache
def _font_bytes(path: Path) -> bytes:
    """Each font file is read once per process (5 MB each; the PDF embeds only the glyphs used)."""
    return path.read_bytes()


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves data: URLs and the vendored fonts; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if path.parent == font_dir() and path.name in FONT_FILES.values():
                    return URLFetcherResponse(url, body=_font_bytes(path), headers={"Content-Type": "font/otf"})
            raise ValueError(f"PDF 表格只能使用内置字体和内嵌图片，拒绝读取：{url[:80]}")

    return LocalOnlyFetcher


def url_fetcher() -> Any:
    # fail_on_errors: a refused or missing resource stops the rendering (no silent fallback font).
    return _fetcher_class()(fail_on_errors=True)


def font_face_css() -> str:
    rules = []
    for weight, name in FONT_FILES.items():
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: normal; '
            f'src: url("{(font_dir() / name).as_uri()}") format("opentype"); }}'
        )
    return "\n".join(rules)


_EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig></fontconfig>
"""
_lock = threading.Lock()
# One render at a time per process: the shared Pango font map is not safe across threads (gunicorn's
# sync workers and the job runner are single-threaded anyway; the development server is not).
_render_lock = threading.Lock()


def _isolated_font_configuration() -> Any:
    """A WeasyPrint FontConfiguration whose fontconfig knows no system font (only @font-face ones).

    Fontconfig reads FONTCONFIG_FILE when the configuration is created; it is pointed at an empty
    file for that one call and restored at once.
    """
    from weasyprint.text.fonts import FontConfiguration

    with tempfile.TemporaryDirectory(prefix="zc-fontconfig-") as folder:
        conf = Path(folder) / "fonts.conf"
        conf.write_text(_EMPTY_FONTCONFIG, encoding="utf-8")
        previous = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            return FontConfiguration()
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = previous


_cached: tuple[Any, Any] | None = None


def _fonts() -> tuple[Any, Any]:
    """One FontConfiguration and @font-face stylesheet per process: the fonts are loaded once."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = _load_fonts()
        return _cached


@atexit.register
def _forget_fonts() -> None:
    """Drop the font configuration (and its temporary folder) before the interpreter tears down."""
    global _cached
    _cached = None


def _load_fonts() -> tuple[Any, Any]:
    from weasyprint import CSS

    missing = [str(p) for p in font_paths() if not p.exists()]
    if missing:
        raise RuntimeError(f"PDF fonts missing: {missing} (see static/fonts/README.md)")
    font_config = _isolated_font_configuration()
    stylesheet = CSS(
        string=font_face_css(),
        base_url=font_dir().as_uri() + "/",
        url_fetcher=url_fetcher(),
        font_config=font_config,
    )
    return font_config, stylesheet


@functools.cache
def _covered() -> frozenset[int]:
    """The code points the Regular font draws (the Bold one falls back to it)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_paths()[0]), lazy=True)
    return frozenset(font.getBestCmap())


def uncovered(text: str) -> list[str]:
    """Characters of `text` the vendored font cannot draw (they would print as empty boxes)."""
    covered = _covered()
    return sorted(f"U+{ord(c):04X}" for c in set(text) if ord(c) >= 0x20 and ord(c) not in covered)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    font_config, font_css = _fonts()
    document = HTML(string=html, base_url=font_dir().as_uri() + "/", url_fetcher=url_fetcher())
    with _render_lock:
        return bytes(document.write_pdf(stylesheets=[font_css], font_config=font_config))


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a printing/ template to PDF bytes."""
    html = render_to_string(template_name, context)
    missing = uncovered(html)
    if missing:
        # Code points only: the text itself may be personal data and stays out of the log.
        logger.warning("%s: characters outside the PDF font: %s", template_name, " ".join(missing[:20]))
    return html_to_pdf(html)
