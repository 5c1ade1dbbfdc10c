"""附件类型: the one table of what each kind of attachment may be and how large it may get.

Limits can be overridden per deployment with the setting ATTACHMENT_LIMITS (type code → bytes),
e.g. ``ATTACHMENT_LIMITS = {"paper": 30 * 1024 * 1024}``; they are read on every call, so a
changed setting (or ``override_settings`` in a test) takes effect at once.
"""

from dataclasses import dataclass

from django.conf import settings

from title_review.core.errors import DomainError

MB = 1024 * 1024

_FORMAT_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG"}
_ACCEPT = {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
MIME_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def format_size_limit(max_bytes: int) -> str:
    """4 MB, 1.5 MB, 500 KB: how a limit is written in messages and hints."""
    if max_bytes >= MB:
        value = max_bytes / MB
        return f"{value:g} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{max(1, max_bytes // 1024)} KB"


@dataclass(frozen=True)
class AttachmentType:
    code: str
    label: str
    kinds: tuple[str, ...]  # file formats checked by core.uploads: "pdf" / "jpg" / "png"
    default_max_bytes: int

    @property
    def max_bytes(self) -> int:
        """The size limit in force: ATTACHMENT_LIMITS[code] if set, otherwise the default."""
        limits = getattr(settings, "ATTACHMENT_LIMITS", None) or {}
        return int(limits.get(self.code, self.default_max_bytes))

    @property
    def accept(self) -> str:
        """The file input's accept attribute (a hint for the browser; the server checks anyway)."""
        return ",".join(_ACCEPT[k] for k in self.kinds)

    @property
    def formats(self) -> str:
        return "、".join(_FORMAT_LABELS[k] for k in self.kinds)

    @property
    def hint(self) -> str:
        return f"支持 {self.formats} 格式，不超过 {format_size_limit(self.max_bytes)}。"

    @property
    def is_image_only(self) -> bool:
        return "pdf" not in self.kinds


ATTACHMENT_TYPES: dict[str, AttachmentType] = {
    t.code: t
    for t in (
        AttachmentType("photo", "证件照", ("jpg", "png"), 2 * MB),
        AttachmentType("id_card", "身份证照片", ("jpg", "png"), 2 * MB),
        # 杭州: the scanned 评审表 may not exceed 4 MB.
        AttachmentType("review_form", "评审表", ("pdf",), 4 * MB),
        AttachmentType("certificate", "证书", ("pdf", "jpg", "png"), 5 * MB),
        AttachmentType("paper", "论文", ("pdf",), 20 * MB),
        # 业绩档案 proofs: a 公开课's 证明 (one per lesson), a 论文's 知网节点文献截图.
        AttachmentType("proof", "证明材料", ("pdf", "jpg", "png"), 5 * MB),
        AttachmentType("other", "其他", ("pdf", "jpg", "png"), 10 * MB),
        AttachmentType("notice", "通知附件", ("pdf", "jpg", "png"), 10 * MB),
    )
}


def get_type(code: str) -> AttachmentType:
    """The type with this code, or a DomainError (the including page named a type that does not exist)."""
    try:
        return ATTACHMENT_TYPES[code]
    except KeyError as exc:
        raise DomainError("未知的附件类型。", code="unknown_attachment_type") from exc


def largest_limit() -> int:
    """The largest limit of any type: requests bigger than this are refused before they are parsed."""
    return max(t.max_bytes for t in ATTACHMENT_TYPES.values())
