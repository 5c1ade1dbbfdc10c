"""The employer's electronic seal image: the scanned seal with its paper background removed, so it can
be stamped over 单位意见 later. (A legally binding 电子印章 comes from the province's seal platform;
this image is the visual stamp only.)"""

import io

from PIL import Image, ImageChops, ImageOps

from title_review.core.errors import DomainError


def make_seal_stamp(content: bytes) -> bytes:
    """Red ink kept, paper made transparent, trimmed and scaled to at most 400 px."""
    try:
        with Image.open(io.BytesIO(content)) as source:
            image = ImageOps.exif_transpose(source).convert("RGB")
    except OSError as exc:
        raise DomainError("单位签章不是有效的图片文件。") from exc
    image.thumbnail((800, 800))
    red, green, blue = image.split()
    # Ink is clearly redder than it is green or blue; paper and grey shadows are not.
    redness = ImageChops.subtract(red, ImageChops.lighter(green, blue))
    mask = redness.point(lambda v: 255 if v >= 40 else 0)
    box = mask.getbbox()
    if box is None:
        raise DomainError("没有在单位签章图片中识别出红色印章，请上传清晰的公章扫描件。")
    stamp = Image.new("RGBA", image.size, (0, 0, 0, 0))
    stamp.paste(Image.new("RGBA", image.size, (200, 16, 16, 255)), mask=mask)
    stamp = stamp.crop(box)
    stamp.thumbnail((400, 400))
    out = io.BytesIO()
    stamp.save(out, format="PNG")
    return out.getvalue()
