"""Upload checks (quality bar): extension and magic bytes agree, size limits, a malware scan
(core.scanning), images re-encoded, PDFs parsed and refused with active content, encryption or damage
(core.pdfs). Files are stored under random names by the callers."""

import io
import secrets
from dataclasses import dataclass
from typing import Any

from .errors import DomainError
from .pdfs import check_pdf
from .scanning import scan_upload

_MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
_EXTENSIONS = {"pdf": ("pdf",), "jpg": ("jpg", "jpeg"), "png": ("png",)}
_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG"}


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    kind: str  # "pdf" / "jpg" / "png"
    original_name: str

    def random_name(self) -> str:
        return f"{secrets.token_hex(16)}.{self.kind}"


def check_upload(upload: Any, *, kinds: tuple[str, ...], max_bytes: int, label: str) -> CleanFile:
    """Return the verified (and, for images, re-encoded) content of an upload, or raise in Chinese."""
    allowed = "、".join(_LABELS[k] for k in kinds)
    if upload is None:
        raise DomainError(f"请上传{label}。")
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = next((k for k in kinds if extension in _EXTENSIONS[k]), None)
    if kind is None:
        raise DomainError(f"{label}只能是 {allowed} 格式。")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise DomainError(f"{label}不能超过 {_megabytes(max_bytes)} MB。")
    content = upload.read()
    if len(content) > max_bytes:
        raise DomainError(f"{label}不能超过 {_megabytes(max_bytes)} MB。")
    if not content:
        raise DomainError(f"{label}是空文件，请重新选择。")
    if not content.startswith(_MAGIC[kind]):
        raise DomainError(f"{label}的内容与扩展名不符：请上传真正的 {allowed} 文件。")
    scan_upload(content, label)
    if kind == "pdf":
        check_pdf(content, label)
    else:
        content = reencode_image(content, kind, label)
    return CleanFile(content=content, kind=kind, original_name=name[:200])


def reencode_image(content: bytes, kind: str, label: str) -> bytes:
    """Decode and re-encode: drops metadata and anything hidden after the image data."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            if image.width * image.height > 40_000_000:
                raise DomainError(f"{label}像素过大，请压缩后再上传。")
            out = io.BytesIO()
            if kind == "jpg":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format="PNG")
            return out.getvalue()
    except Image.DecompressionBombError as exc:
        raise DomainError(f"{label}像素过大，请压缩后再上传。") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DomainError(f"{label}不是有效的图片文件。") from exc


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.1f}"
