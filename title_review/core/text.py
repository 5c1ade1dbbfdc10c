"""Text that users type or upload: short excerpts of it in messages, names without invisible characters."""

import unicodedata

from .errors import DomainError

EXCERPT_LENGTH = 50


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """`value` as text, cut to `limit` characters with “…” — for quoting user input in a message, so a
    megabyte-long cell cannot make a megabyte-long page."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


# Characters a name never needs and that change how it looks or reads: C0/C1 controls (Cc), format
# characters (Cf: the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
# U+200E/U+200F/U+061C, zero-width spaces and joiners, the BOM, soft hyphens), line and paragraph
# separators. A U+202E in a name shows “张三‮pdf.exe” as something else in lists and printed forms.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def has_invisible_characters(value: str) -> bool:
    if value.isprintable():  # fast path: every Cc, Cf, Zl and Zp character is non-printable
        return False
    return any(unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value)


def clean_name(value: object, label: str = "姓名") -> str:
    """A person's or organisation's name (or a title) as typed, without surrounding spaces; refuses
    control and invisible format characters in Chinese. Ordinary and full-width spaces stay allowed."""
    text = "" if value is None else str(value).strip()
    if has_invisible_characters(text):
        raise DomainError(f"{label}含有不可见的控制字符，请删除后重新输入。")
    return text
