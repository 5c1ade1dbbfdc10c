"""Text that users type or upload: short excerpts of it in messages."""

EXCERPT_LENGTH = 50


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """`value` as text, cut to `limit` characters with “…” — for quoting user input in a message, so a
    megabyte-long cell cannot make a megabyte-long page."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"
