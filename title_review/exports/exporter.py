"""One exporter for every list: a list's columns, its scoped rows, one streaming sheet.

Rows are read with `QuerySet.values(...).iterator()` (no model instances, no snapshot JSON) and written
through `core.excel.SheetWriter`, so memory stays flat as the number of rows grows.
"""

import datetime as dt
from collections.abc import Callable
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


@dataclass(frozen=True)
class Lookups:
    """Code → name tables and the export's clock, loaded once per export."""

    qualifications: dict[str, str]
    specialties: dict[str, str]
    now: dt.datetime
    # 资格名称 code → the name of its 级别 (正高级, 副高级, ...), from the qualification's "level" attribute.
    qualification_levels: dict[str, str] = field(default_factory=dict)

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

    `field` is a path for `QuerySet.values()` (SERIAL for 序号); `show(row, lookups)` turns the row into
    the cell value when the raw field is not what a person reads; `mask` hides personal data unless the
    row may be exported in full (identity.full over its employer, and asked for).
    """

    label: str
    field: str
    kind: str = TEXT
    show: Callable[[dict[str, Any], Lookups], Any] | None = None
    mask: Callable[[str], str] | None = None
    needs: tuple[str, ...] = ()
    width: float = 0

    def value(self, row: dict[str, Any], lookups: Lookups, *, full: bool) -> Any:
        value = self.show(row, lookups) if self.show else row.get(self.field)
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
    """Write the selection's rows to `target` (a path or a binary file); `full` marks rows shown unmasked."""
    lookups = Lookups.load()
    rows = selection.queryset.annotate(**{FULL: full}).values(*spec.fields, FULL).iterator(chunk_size=CHUNK)
    count = full_rows = 0
    with SheetWriter(target, [c.sheet_column for c in spec.columns], sheet=spec.sheet or spec.title) as writer:
        for row in rows:
            count += 1
            row[SERIAL] = count
            shown_full = bool(row[FULL])
            full_rows += shown_full
            writer.write_row([column.value(row, lookups, full=shown_full) for column in spec.columns])
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, max(total, count))
    if progress is not None:
        progress(count, max(total, count))
    return ExportResult(rows=count, full_rows=full_rows)
