"""Numbers read from a request's query string or form: ASCII digits within the database's integer range, else None.

`str.isdigit()` is not enough for that: it accepts '²' (int('²') raises) and any length, and an id past 2**63 - 1
overflows SQLite's INTEGER (in a related lookup or a count it reaches the database unchecked) — a server error
for a typo in an address, where the page should ignore the value as it ignores any other malformed one.
"""

from collections.abc import Iterable
from typing import Any

# The largest id either database stores (PostgreSQL bigint, SQLite INTEGER); the API documents it too.
MAX_ID = 2**63 - 1


def to_int(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """`value` as a whole number 0..maximum when it is written in ASCII digits only, else None."""
    text = str(value if value is not None else "")
    if not text or len(text) > len(str(MAX_ID)) or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= maximum else None


def to_id(value: Any) -> int | None:
    """`value` as a row id (1..MAX_ID), else None."""
    number = to_int(value)
    return number if number else None


def to_ids(values: Iterable[Any]) -> list[int]:
    """The values that are row ids, in their order (the others dropped)."""
    return [number for value in values if (number := to_id(value)) is not None]
