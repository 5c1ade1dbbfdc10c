"""Rebuild the vendored PDF fonts (static/fonts/) from Debian's fonts-noto-cjk.

The PDF forms embed Noto Sans CJK SC (SIL Open Font License 1.1). The full collection is 20 MB a
weight, so we keep subsets (static/fonts/README.md):

- Regular prints every piece of data: CJK Unified Ideographs and Extension A (rare characters in
  names), CJK and fullwidth punctuation, Latin, digits and the few symbols the forms use.
- Bold prints only the forms' fixed titles and labels: the 6,763 characters of GB 2312 and the same
  punctuation. A character it lacks falls back to Regular (the renderer sees no other font).

Only operators run this (after `apt-get install fonts-noto-cjk`); a fresh machine or CI uses the
committed files and needs no font package. fontTools comes with WeasyPrint and is pinned in
requirements-dev.txt as the build tool.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
# Face 2 of the Noto Sans CJK collections is the Simplified Chinese (SC) one.
SC_FACE = 2
WEIGHTS = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
COMMON = (
    "U+0020-007E",  # Basic Latin
    "U+00A0-00FF",  # Latin-1: · × ° ±
    "U+2000-206F",  # General Punctuation: — ‘’ “” … ‰ ※
    "U+2100-218F",  # ℃ № Ⅰ–Ⅻ
    "U+2190-2193",  # arrows
    "U+2460-2473",  # ①–⑳
    "U+25A0-25FF",  # □ ■ ○ ● △
    "U+2605-2606",  # ★ ☆
    "U+2610-2612",  # ☐ ☑ ☒
    "U+2713-2714",  # ✓
    "U+3000-303F",  # CJK Symbols and Punctuation: 、。《》【】〔〕
    "U+FF00-FFEF",  # Halfwidth and Fullwidth Forms: （），：；
)
DATA_IDEOGRAPHS = (
    "U+3400-4DBF",  # CJK Unified Ideographs Extension A
    "U+4E00-9FFF",  # CJK Unified Ideographs
)
# Horizontal text only: vertical metrics and alternates (vert, locl for JP/KR/TC) are dropped.
LAYOUT_FEATURES = ["kern", "ccmp", "mark", "mkmk"]


def _codepoints(ranges: tuple[str, ...]) -> list[int]:
    from fontTools import subset

    points: list[int] = []
    for part in ranges:
        points.extend(subset.parse_unicodes(part))
    return points


def gb2312_hanzi() -> list[int]:
    """The 6,763 hanzi of GB 2312 (rows 0xB0–0xF7), enough for every label the forms print."""
    points = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.append(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def output_name(weight: str) -> str:
    return f"NotoSansSC-{weight}-subset.otf"


class Command(BaseCommand):
    help = "从 fonts-noto-cjk 重新生成 PDF 表格使用的思源黑体（Noto Sans CJK SC）子集字体。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source-dir", default=str(SOURCE_DIR), help="Noto Sans CJK .ttc 所在目录")
        parser.add_argument("--output-dir", default=str(settings.PRINTING["FONT_DIR"]), help="输出目录")

    def handle(self, *args: Any, **options: Any) -> None:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        source_dir = Path(options["source_dir"])
        output_dir = Path(options["output_dir"])
        output_dir.mkdir(parents=True, exist_ok=True)
        for weight, filename in WEIGHTS.items():
            unicodes = _codepoints(COMMON + (DATA_IDEOGRAPHS if weight == "Regular" else ()))
            if weight == "Bold":
                unicodes += gb2312_hanzi()
            source = source_dir / filename
            if not source.exists():
                raise CommandError(f"找不到 {source}：请先安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）。")
            options_ = subset.Options()
            options_.layout_features = LAYOUT_FEATURES
            options_.name_IDs = ["*"]  # keep copyright, licence and version records
            options_.name_languages = ["*"]
            options_.hinting = False
            options_.drop_tables += ["VORG", "vhea", "vmtx"]
            font = TTFont(str(source), fontNumber=SC_FACE)
            subsetter = subset.Subsetter(options=options_)
            subsetter.populate(unicodes=unicodes)
            subsetter.subset(font)
            target = output_dir / output_name(weight)
            font.save(str(target))
            self.stdout.write(f"{target.name}: {target.stat().st_size / 1_000_000:.2f} MB")
