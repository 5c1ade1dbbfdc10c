"""Upload checks (quality bar): extension and magic bytes agree, size limits, images re-encoded,
PDFs with JavaScript or encryption refused. Files are stored under random names by the callers."""

import io
import re
import secrets
from dataclasses import dataclass
from typing import Any

from .errors import DomainError

_MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
_EXTENSIONS = {"pdf": ("pdf",), "jpg": ("jpg", "jpeg"), "png": ("png",)}
_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG"}
# A /JS action key followed by its value (string, hex string, dictionary, array or reference).
_PDF_JS = re.compile(rb"/JS\s*[(<\[]|/JS\s+\d+\s+\d+\s+R")


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
    if kind == "pdf":
        _check_pdf(content, label)
    else:
        content = reencode_image(content, kind, label)
    return CleanFile(content=content, kind=kind, original_name=name[:200])


def _check_pdf(content: bytes, label: str) -> None:
    if b"/Encrypt" in content:
        raise DomainError(f"{label}是加密的 PDF，请去除密码后再上传。")
    if b"/JavaScript" in content or _PDF_JS.search(content):
        raise DomainError(f"{label}含有脚本，不能上传，请重新生成 PDF。")


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
