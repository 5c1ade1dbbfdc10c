"""The attachment layer's wrapper around core.uploads.check_upload.

check_upload does the checking (extension and magic bytes agree, size, PDFs without scripts or
encryption, images decoded and re-encoded without metadata). On top of it, for attachments:

- the size limit is checked first with a message that also reads right for limits that are not
  whole megabytes (core rounds down: 1.5 MB would read "1 MB");
- an image's dimensions are read from its header before anything decodes it, so a small file that
  would expand to hundreds of megapixels is refused without being decoded;
- images are turned upright by their EXIF orientation (which re-encoding would otherwise drop,
  leaving phone photos lying on their side) and scaled so the longer side is at most 2400 px.
  When either is needed the image is encoded once from the original, not twice.
"""

import io
import unicodedata
from typing import Any

from django.core.files.base import ContentFile

from title_review.core.errors import DomainError
from title_review.core.uploads import CleanFile, check_upload

from .types import AttachmentType, format_size_limit

MAX_SIDE = 2400
MAX_PIXELS = 40_000_000  # the same ceiling core.uploads.reencode_image applies after decoding
_EXIF_ORIENTATION = 0x0112
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def clean_name(name: str) -> str:
    """The user's file name for display: no directories, no control characters, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    return name[-200:] if len(name) > 200 else name


def clean_upload(upload: Any, attachment_type: AttachmentType) -> CleanFile:
    """The verified content to store for `upload` as an attachment of `attachment_type`, or a DomainError."""
    label = attachment_type.label
    max_bytes = attachment_type.max_bytes
    if upload is None:
        return check_upload(None, kinds=attachment_type.kinds, max_bytes=max_bytes, label=label)
    too_big = DomainError(f"{label}不能超过 {format_size_limit(max_bytes)}。", code="attachment_too_big")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_big
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise too_big
    name = clean_name(getattr(upload, "name", "") or "")
    if raw.startswith(_IMAGE_MAGIC):
        _refuse_huge_image(raw, label)
    clean = check_upload(ContentFile(raw, name=name), kinds=attachment_type.kinds, max_bytes=max_bytes, label=label)
    if clean.kind in ("jpg", "png"):
        clean = _upright_and_scaled(raw, clean)
    return clean


def _refuse_huge_image(raw: bytes, label: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw)) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise DomainError(f"{label}像素过大，请压缩后再上传。") from exc
    except Exception:  # not a readable image: check_upload says so in Chinese
        return
    if width * height > MAX_PIXELS:
        raise DomainError(f"{label}像素过大，请压缩后再上传。")


def _upright_and_scaled(raw: bytes, clean: CleanFile) -> CleanFile:
    """Re-encode from the original when it must be turned upright or scaled down; else keep core's result."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(raw)) as image:
        orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
        if orientation in (None, 1) and max(image.size) <= MAX_SIDE:
            return clean
        image.load()
        result = ImageOps.exif_transpose(image)
    result.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if clean.kind == "jpg":
        result.convert("RGB").save(out, format="JPEG", quality=90)
    else:
        result.save(out, format="PNG")
    return CleanFile(content=out.getvalue(), kind=clean.kind, original_name=clean.original_name)
