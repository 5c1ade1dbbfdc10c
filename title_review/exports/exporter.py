"""One exporter for every list: a list's columns, its scoped rows, one streaming sheet.

Rows are read as tuples of the needed columns only (`QuerySet.values_list(...).iterator()`: no model
instances, no snapshot JSON, a server-side cursor on PostgreSQL) and written through `core.excel.SheetWriter`,
so memory stays flat as the number of rows grows. Code → name tables (dictionary entries, status labels) are
resolved once per file (`Lookups.table`), so a row costs only a lookup per such cell (issue 12: a 100,000-row
汇总表 within 2 × XlsxWriter alone).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Expression, QuerySet
from django.http import QueryDict
from django.utils import timezone

from title_review.core.excel import TEXT, SheetColumn, SheetWriter
from title_review.dictionaries.models import Entry

SERIAL = "#"  # the 序号 column: the row's position in the export
PROGRESS_EVERY = 500
CHUNK = 2000

Progress = Callable[[int, int], None]


KEEP: Any = object()  # Names: show a code the table lacks as it is


class Names(dict[Any, Any]):
    """A code → name table of one export: `table[code]` is the name, or `missing` for a code it lacks (by
    default the code itself)."""

    __slots__ = ("missing",)

    def __init__(self, names: Mapping[Any, Any], *, missing: Any = KEEP) -> None:
        super().__init__(names)
        self.missing = missing

    def __missing__(self, code: Any) -> Any:
        return code if self.missing is KEEP else self.missing


NamesOf = Callable[["Lookups"], Mapping[Any, Any]]


@dataclass(frozen=True)
class Lookups:
    """Code → name tables and the export's clock, loaded once per export."""

    qualifications: dict[str, str]
    specialties: dict[str, str]
    now: dt.datetime
    # 资格名称 code → the name of its 级别 (正高级, 副高级, ...), from the qualification's "level" attribute.
    qualification_levels: dict[str, str] = field(default_factory=dict)
    # Column.names → its table, built on first use (so once per export).
    tables: dict[NamesOf, Names] = field(default_factory=dict, repr=False, compare=False)

    def table(self, names: NamesOf) -> Names:
        table = self.tables.get(names)
        if table is None:
            made = names(self)
            table = self.tables[names] = made if isinstance(made, Names) else Names(made)
        return table

    @classmethod
    def load(cls) -> "Lookups":
        names: dict[str, dict[str, str]] = {"qualification": {}, "specialty": {}, "level": {}}
        levels: dict[str, str] = {}
        for type_code, code, name, attributes in Entry.objects.filter(type__code__in=names).values_list(
            "type__code", "code", "name", "attributes"
        ):
            names[type_code][code] = name
            if type_code == "qualification" and isinstance(attributes, dict):
                levels[code] = str(attributes.get("level", ""))
        return cls(
            qualifications=names["qualification"],
            specialties=names["specialty"],
            now=timezone.now(),
            qualification_levels={q: names["level"].get(level, level) for q, level in levels.items()},
        )


@dataclass(frozen=True)
class Column:
    """One column of a list's export.

    `field` is a path for `QuerySet.values()` (SERIAL for 序号); `names(lookups)` is a code → name table for
    the field's value, built once per export (a plain Mapping shows a code it lacks as it is; a `Names` can say
    otherwise); `show(row, lookups)` turns the whole row into the cell value when the cell needs more than one
    field; `mask` hides personal data unless the row may be exported in full (identity.full over its employer,
    and asked for).
    """

    label: str
    field: str
    kind: str = TEXT
    show: Callable[[dict[str, Any], Lookups], Any] | None = None
    mask: Callable[[str], str] | None = None
    needs: tuple[str, ...] = ()
    width: float = 0
    names: NamesOf | None = None

    def value(self, row: dict[str, Any], lookups: Lookups, *, full: bool) -> Any:
        if self.show is not None:
            value = self.show(row, lookups)
        elif self.names is not None:
            value = lookups.table(self.names)[row.get(self.field)]
        else:
            value = row.get(self.field)
        if self.mask is not None and value and not full:
            return self.mask(str(value))
        return value

    @property
    def sheet_column(self) -> SheetColumn:
        return SheetColumn(self.label, kind=self.kind, width=self.width)


@dataclass(frozen=True)
class Selection:
    """What one export covers: the scoped, filtered rows and the name the file and audit row carry."""

    title: str
    queryset: QuerySet[Any]
    obj: Any = None  # the round of a round's 汇总表, for the audit row


@dataclass(frozen=True)
class ListSpec:
    """A list page that offers 导出汇总表: its columns (defined once) and how it selects its rows."""

    key: str
    title: str
    columns: tuple[Column, ...]
    select: Callable[[Any, QueryDict], Selection]
    sheet: str = ""

    @property
    def fields(self) -> list[str]:
        wanted: dict[str, None] = {}
        for column in self.columns:
            for name in (column.field, *column.needs):
                if name and name != SERIAL:
                    wanted[name] = None
        return list(wanted)


@dataclass(frozen=True)
class ExportResult:
    rows: int
    full_rows: int = 0  # rows written with full identity and phone numbers


FULL = "export_full"


def write_export(
    spec: ListSpec,
    selection: Selection,
    target: str | IO[bytes],
    *,
    full: Expression,
    progress: Progress | None = None,
    total: int = 0,
) -> ExportResult:
    """Write the selection's rows to `target` (a path or a binary file); `full` marks rows shown unmasked.

    The cells are what `Column.value` gives for each row (same values, same masking), computed from the row's
    tuple with each column's place, table and mask looked up once; a row becomes a dict only for a list with a
    `show` column."""
    lookups = Lookups.load()
    names = [*spec.fields, FULL]  # FULL last: the tuples come from the cursor as they are, not reordered
    place = {name: at for at, name in enumerate(names)}
    plan = [
        (
            -1 if column.field == SERIAL else place[column.field],
            lookups.table(column.names) if column.names is not None and column.show is None else None,
            column.mask,
            column.show,
        )
        for column in spec.columns
    ]
    as_dict = any(column.show is not None for column in spec.columns)
    full_at = place[FULL]
    rows = selection.queryset.annotate(**{FULL: full}).values_list(*names).iterator(chunk_size=CHUNK)
    count = full_rows = 0
    row: dict[str, Any] = {}
    with SheetWriter(target, [c.sheet_column for c in spec.columns], sheet=spec.sheet or spec.title) as writer:
        for record in rows:
            count += 1
            shown_full = bool(record[full_at])
            full_rows += shown_full
            if as_dict:
                row = dict(zip(names, record, strict=True))
                row[SERIAL] = count
            cells = []
            for at, table, mask, show in plan:
                if show is not None:
                    value = show(row, lookups)
                else:
                    value = record[at] if at >= 0 else count  # -1: 序号
                    if table is not None:
                        value = table[value]
                if mask is not None and value and not shown_full:
                    value = mask(str(value))
                cells.append(value)
            writer.write_row(cells)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, max(total, count))
    if progress is not None:
        progress(count, max(total, count))
    return ExportResult(rows=count, full_rows=full_rows)
