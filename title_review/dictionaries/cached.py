"""The code tables as each worker last read them, checked against the generation token (ADR 0049).

A read costs one indexed row (the token) instead of a query over the entries; the entries of a type are read
again only when the token has changed, that is after any write to the tables, committed or seen inside the
writer's own transaction (the token is set by triggers, migration 0003). Callers get plain values, never
model instances: what they read cannot be saved back by mistake.
"""

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from .models import Entry, Generation


@dataclass(frozen=True)
class CodeEntry:
    pk: int
    code: str
    name: str
    parent_id: int | None
    parent_code: str | None
    is_active: bool
    sort_order: int
    attributes: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True)
class CodeTable:
    """One code table: its entries in the table's order (sort_order, code), and the same by code."""

    entries: tuple[CodeEntry, ...]
    by_code: dict[str, CodeEntry]

    def children(self, parent_id: int | None, *, active: bool = True) -> list[str]:
        """Codes of the entries under `parent_id` (enabled only unless `active` is False), in order."""
        return [e.code for e in self.entries if e.parent_id == parent_id and (e.is_active or not active)]


_lock = threading.Lock()
# type code -> (token, table)
_kept: dict[str, tuple[str, CodeTable]] = {}


def _token() -> str | None:
    """The current generation token; None when the row is missing (a flushed test database): then nothing is
    taken from or kept in the cache."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {Generation._meta.db_table} WHERE id = 1")  # noqa: S608 — our table name
        row = cursor.fetchone()
    return row[0] if row else None


def _load(type_code: str) -> CodeTable:
    rows = (
        Entry.objects.filter(type__code=type_code)
        .order_by("sort_order", "code")
        .values_list("pk", "code", "name", "parent_id", "parent__code", "is_active", "sort_order", "attributes")
    )
    found = tuple(CodeEntry(*row[:7], attributes=row[7] or {}) for row in rows)
    return CodeTable(entries=found, by_code={e.code: e for e in found})


def tables(*type_codes: str) -> dict[str, CodeTable]:
    """Several code tables against one reading of the token (one row), each read again only if changed."""
    token = _token()
    result = {}
    for type_code in type_codes:
        kept = _kept.get(type_code)
        if token is not None and kept is not None and kept[0] == token:
            result[type_code] = kept[1]
            continue
        table = result[type_code] = _load(type_code)
        if token is not None:
            with _lock:
                _kept[type_code] = (token, table)
    return result


def table(type_code: str) -> CodeTable:
    return tables(type_code)[type_code]


def entries(type_code: str) -> tuple[CodeEntry, ...]:
    """Every entry of one code table, enabled or not, ordered as the table orders them (sort_order, code)."""
    return table(type_code).entries


def by_code(type_code: str) -> dict[str, CodeEntry]:
    """{code: entry} of one code table (disabled entries too: old records keep their names). Shared: read only."""
    return table(type_code).by_code


def forget() -> None:
    """Drop everything kept (tests that flush tables outside the triggers' reach)."""
    with _lock:
        _kept.clear()
