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
    """What a name must not hold: the hidden characters of any stored text, and line breaks and tabs too."""
    return has_hidden_characters(value) or any(c in value for c in "\t\n\r")


# Whitespace a stored text may hold (typed in a textarea, or a full-width space in a name): mapped to a plain
# space before the printable test, so that only what remains non-printable is looked at one by one.
_ALLOWED_WHITESPACE = str.maketrans(
    dict.fromkeys(map(ord, "\t\n\r\u00a0\u1680\u202f\u205f\u3000"), " ") | dict.fromkeys(range(0x2000, 0x200B), " ")
)


def has_hidden_characters(value: str) -> bool:
    """What no stored text needs: the invisible characters of a name, line breaks and tabs excepted. Private-use
    and not-yet-assigned code points (rare characters of a name in an older font, or a newer CJK extension)
    are not refused."""
    if value.isprintable() or value.translate(_ALLOWED_WHITESPACE).isprintable():
        return False
    return any(c not in "\t\n\r" and unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value)


def without_hidden_characters(value: str) -> str:
    """`value` with the characters `has_hidden_characters` finds taken out (line breaks and tabs stay)."""
    if not has_hidden_characters(value):
        return value
    return "".join(c for c in value if c in "\t\n\r" or unicodedata.category(c) not in _INVISIBLE_CATEGORIES)


def hidden_characters_error(label: str, field: str | None = None) -> DomainError:
    """The one refusal of an invisible character, at the input it was typed in."""
    return DomainError(f"{label}含有不可见的控制字符，请删除后重新输入。", code="hidden_characters", field=field)


def clean_name(value: object, label: str = "姓名", *, field: str | None = None) -> str:
    """A person's or organisation's name (or a title) as typed, without surrounding spaces; refuses
    control and invisible format characters in Chinese. Ordinary and full-width spaces stay allowed."""
    text = "" if value is None else str(value).strip()
    if has_invisible_characters(text):
        raise hidden_characters_error(label, field)
    return text


def clean_text(value: object, label: str, *, field: str | None = None) -> str:
    """Longer text as typed (a reason, a note): line breaks and tabs kept, invisible characters refused."""
    text = "" if value is None else str(value).strip()
    if has_hidden_characters(text):
        raise hidden_characters_error(label, field)
    return text
