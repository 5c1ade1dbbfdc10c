"""The diagonal watermark (viewer's name, account, time) as a transparent image tiled over each page.

It is drawn as a picture, not as PDF text: rotated text would be read back into the form's own text
by copy-and-paste and by text extraction, splitting words such as the form's title. The same words
go into the PDF's metadata (Subject), where a machine can read them.
"""

import functools
import io

from PIL import Image, ImageDraw, ImageFont

from .documents import data_uri
from .renderer import font_paths

# The tile is drawn at 300 dpi (46 px ≈ 11 pt text), one copy of the text per tile, with room around it.
DPI = 300
ANGLE = 30
INK = (70, 70, 70, 44)
MARGIN = (150, 170)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_paths()[0]), size)


@functools.lru_cache(maxsize=64)
def watermark_image(text: str) -> tuple[str, float]:
    """A PNG data URI of `text`, rotated 30° up, centred on a transparent tile; and the tile's width in mm."""
    font = _font(46)
    left, top, right, bottom = (int(v) for v in font.getbbox(text))
    line = Image.new("RGBA", (right - left + 8, bottom - top + 8), (0, 0, 0, 0))
    ImageDraw.Draw(line).text((4 - left, 4 - top), text, font=font, fill=INK)
    rotated = line.rotate(ANGLE, expand=True, resample=Image.Resampling.BICUBIC)
    size = (rotated.width + MARGIN[0], rotated.height + MARGIN[1])
    tile = Image.new("RGBA", size, (0, 0, 0, 0))
    tile.alpha_composite(rotated, (MARGIN[0] // 2, MARGIN[1] // 2))
    out = io.BytesIO()
    tile.save(out, format="PNG", optimize=True)
    return data_uri(out.getvalue(), "image/png"), round(size[0] / DPI * 25.4, 1)
