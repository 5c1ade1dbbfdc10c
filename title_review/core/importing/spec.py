"""What an import declares: its columns, its row function, and the result of a run."""

import enum
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from ..excel import MAX_IMPORT_ROWS

INLINE_MAX_ROWS = 2000  # settings.IMPORT_INLINE_MAX_ROWS overrides it
CHUNK_ROWS = 1000  # rows handed to a spec's `bulk` at once (ADR 0026)


class Kind(enum.StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    TICK = "tick"  # 是 / 否
    CHOICE = "choice"  # one of `choices` (label -> value)
    LOOKUP = "lookup"  # a code looked up in bulk (`lookup`), e.g. an organisation or dictionary code
    IDENTITY = "identity"  # an identity number, checked against the 证件类型 in `id_type_column`


Choices = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
Progress = Callable[[int, int], None]
Lookup = Callable[[Collection[str]], Mapping[str, Any]]
# What a row produced: the values to show for it, or the exception its service raised for it.
Outcome = dict[str, str] | None | Exception


@dataclass(frozen=True)
class Column:
    """One column of an import: what the user sees in the template and how a cell is checked.

    `name` keys the cleaned value in `ImportRow.data`. A LOOKUP column takes the first word of the
    cell (so "330106 西湖区" from the dropdown reads as 330106) and resolves all rows' codes with ONE
    call of `lookup`; codes it does not return are reported with `unknown`.
    """

    header: str
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Choices | None = None
    lookup: Lookup | None = None
    dropdown: Callable[[], Sequence[str]] | None = None  # the template's list for a LOOKUP column
    unknown: str = "{header}“{value}”不存在"
    id_type_column: str = ""  # IDENTITY: the `name` of the 证件类型 column (居民身份证 without one)
    max_length: int = 100
    note: str = ""  # shown on the 说明 sheet
    example: str = ""

    def choice_map(self) -> Mapping[str, Any]:
        if self.choices is None:
            return {}
        return self.choices() if callable(self.choices) else self.choices

    def options(self) -> list[str]:
        """The dropdown of the template (empty: free input)."""
        if self.kind == Kind.TICK:
            return ["是", "否"]
        if self.kind == Kind.CHOICE:
            return [str(label) for label in self.choice_map()]
        if self.kind == Kind.LOOKUP and self.dropdown is not None:
            return list(self.dropdown())
        return []


@dataclass
class ImportRow:
    number: int  # the Excel row number
    values: dict[str, str]  # header -> the cell as text, as the user typed it
    data: dict[str, Any] = field(default_factory=dict)  # column name -> cleaned value (None when empty)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: dict[str, str] = field(default_factory=dict)  # what the row produced (codes, one-time passwords)
    bad_columns: set[str] = field(default_factory=set)

    def fail(self, column: Column | None, message: str) -> None:
        self.errors.append(message)
        if column is not None:
            self.bad_columns.add(column.name)


@dataclass
class ImportContext:
    """What a row function receives besides its row: who imports, and what `start` prepared."""

    actor: Any
    state: Any
    commit: bool
    options: dict[str, Any]


@dataclass(frozen=True)
class ImportSpec:
    """A declarative import. `row(ctx, row)` calls the page's service for one row and returns the
    values to show for it (e.g. {"一次性密码": ...}); a DomainError it raises becomes the row's reason.

    `start(actor, options)` checks access (raise NotAllowed / Http404) and returns the state the rows
    share (e.g. the employer). `prepare(ctx, rows)` may add row errors from bulk lookups before the rows
    run. `finish(ctx, rows)` runs once, on a successful commit, inside the transaction (a summary audit row).

    `bulk(ctx, rows)`, when given, replaces `row` for big files (ADR 0026): it receives up to
    `chunk_size` clean rows at once, in file order, calls the page service's bulk form (the same checks
    and messages as the one-row service, lookups by IN queries, one INSERT per table) and returns, for
    each row in order, what `row` would have returned or the exception the service would have raised
    for it (turned into the row's reason exactly as for `row`). It must write nothing for a row it
    returns an exception for. Earlier chunks are written before a later one runs, so its checks
    against the database see them. If it raises IntegrityError (a concurrent write its checks could not
    see), its chunk is rolled back and run again row by row through `row`.
    """

    key: str  # unique, e.g. "certificates.certificates"
    title: str  # 导入证书信息
    sheet: str  # the template's data sheet
    noun: str  # what a row is: 条证书信息, 个工作账号
    columns: tuple[Column, ...]
    row: Callable[[ImportContext, ImportRow], dict[str, str] | None]
    start: Callable[[Any, dict[str, Any]], Any]
    prepare: Callable[[ImportContext, list[ImportRow]], None] | None = None
    finish: Callable[[ImportContext, list[ImportRow]], None] | None = None
    bulk: Callable[[ImportContext, list[ImportRow]], Sequence[Outcome]] | None = None
    chunk_size: int = CHUNK_ROWS
    unique: tuple[tuple[str, ...], ...] = ()  # column names whose values must not repeat in the file
    notes: tuple[str, ...] = ()
    template_filename: str = ""
    scope_error: str = "该行涉及的机构不在您的管辖范围内。"  # format_map(values) when a service raises 404
    display: tuple[str, ...] = ()  # headers shown in the result table (default: the first three)
    result_headers: tuple[str, ...] = ()  # keys of ImportRow.result shown after the commit
    secret_headers: tuple[str, ...] = ()  # result values shown once (one-time passwords)
    background: bool = True  # False: never a job (results that must not be stored, e.g. passwords)
    max_rows: int = MAX_IMPORT_ROWS
    success: str = "导入成功：共导入 {count} {noun}。"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    @property
    def display_headers(self) -> list[str]:
        return list(self.display or self.headers[:3])

    @property
    def masked_headers(self) -> set[str]:
        return {c.header for c in self.columns if c.kind == Kind.IDENTITY}


@dataclass
class ImportResult:
    spec: ImportSpec
    rows: list[ImportRow]
    committed: bool

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def error_count(self) -> int:
        return len(self.error_rows)

    @property
    def count(self) -> int:
        return len(self.rows)

    def summary(self) -> str:
        if self.committed:
            return self.spec.success.format(count=self.count, noun=self.spec.noun)
        if self.has_errors:
            return f"预检发现 {self.error_count} 行有错误，未导入任何数据。请按每行的原因修改后重新上传。"
        return f"预检通过，共 {self.count} 行。确认后导入。"


def inline_max_rows() -> int:
    """Files with more data rows than this run as a background job (settings.IMPORT_INLINE_MAX_ROWS)."""
    return int(getattr(settings, "IMPORT_INLINE_MAX_ROWS", INLINE_MAX_ROWS))


def runs_in_background(spec: ImportSpec, row_count: int) -> bool:
    return spec.background and row_count > inline_max_rows()
