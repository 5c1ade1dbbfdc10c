"""Reading one worksheet of an uploaded .xlsx as rows of values, streaming (ADR 0026).

openpyxl's read-only mode builds an object per cell and parses through a tree; for a 10,000-row import
that was seconds before any check ran. This reads the few parts an import needs — the workbook's sheet
list, the shared strings, the number formats that mark dates, one worksheet — and gives the values
openpyxl's `values_only`, `data_only` reading gives: text, int or float, bool, dates and times (from the
cell's number format, 1900 or 1904 dates), the cached result of a formula, an error such as `#N/A` as
its text. Rich text and inline strings are their plain text.

It streams: the worksheet and the shared strings go through expat a chunk at a time, a row at a time
out, only the cells a row holds (no grid is built, so a file with one cell at XFD1048576 costs one
cell). The small parts (workbook, relations, styles, content types) are parsed whole with defusedxml.
The package has already passed `core.excel.check_xlsx_archive` (sizes, parts, compression ratio) before
this opens it.

Every part is untrusted XML: a document type declaration (so any entity declaration), an entity
declaration or an external entity reference is refused as soon as the parser meets it — defusedxml's
parser for the small parts, defusedxml's refusals installed on the expat parser for the big ones — so no
entity is ever expanded or fetched (no "billion laughs", no external entity). The caller turns the
refusal into the usual unreadable-file message. No part Excel writes has a DTD.
"""

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, NoReturn
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@dataclass(frozen=True)
class Sheet:
    name: str
    path: str  # the worksheet's part in the package


class Workbook:
    """An opened .xlsx package: its worksheets by name, and their rows."""

    def __init__(self, content: bytes) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(self.archive.namelist())
        self.book = _target("", self._relations("_rels/.rels"), "/officeDocument") or "xl/workbook.xml"
        relations = self._relations(_rels_of(self.book))
        base = posixpath.dirname(self.book)
        root = self._parse(self.book)
        properties = root.find(f"{_MAIN}workbookPr")
        self.epoch = (
            CALENDAR_MAC_1904
            if properties is not None and properties.get("date1904", "").lower() in ("1", "true")
            else CALENDAR_WINDOWS_1900
        )
        self.sheets: list[Sheet] = []
        for sheet in root.iter(f"{_MAIN}sheet"):
            relation = relations.get(sheet.get(f"{_REL}id", ""))
            if relation is not None and relation[0].endswith("/worksheet"):
                path = _resolve(base, relation[1])
                if path in names:
                    self.sheets.append(Sheet(name=sheet.get("name", ""), path=path))
        # Found through the workbook's relations; a package that only lists them in its content types
        # (openpyxl looks there) or keeps them at the usual place is read the same.
        strings = _target(base, relations, "/sharedStrings") or self._declared(_SHARED_STRINGS_TYPE)
        self.strings = self._shared_strings(strings) if strings in names else []
        styles = _target(base, relations, "/styles") or "xl/styles.xml"
        self.dates, self.durations = self._date_styles(styles) if styles in names else (set(), set())

    def close(self) -> None:
        self.archive.close()

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def rows(self, sheet: Sheet) -> Iterator[tuple[int, dict[int, Any]]]:
        """(Excel row number, {column number: value}) for every row element, empty cells left out."""
        cells = _SheetCells(self)
        with self.archive.open(sheet.path) as source:
            yield from _stream(source, cells, cells.done)

    def _parse(self, name: str) -> Element:
        """A small part (workbook, relations, styles) as a whole tree."""
        with self.archive.open(name) as source:
            return SafeElementTree.parse(source, forbid_dtd=True).getroot()

    def _declared(self, content_type: str) -> str:
        """The part [Content_Types].xml gives this content type, or ""."""
        if "[Content_Types].xml" not in self.archive.namelist():
            return ""
        for override in self._parse("[Content_Types].xml").iter(f"{_CONTENT_TYPES}Override"):
            if override.get("ContentType") == content_type:
                return override.get("PartName", "").lstrip("/")
        return ""

    def _relations(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target) of a part's .rels (empty when it has none)."""
        if name not in self.archive.namelist():
            return {}
        root = self._parse(name)
        return {
            r.get("Id", ""): (r.get("Type", ""), r.get("Target", ""))
            for r in root.iter(f"{_PACKAGE_REL}Relationship")
            if r.get("TargetMode") != "External"
        }

    def _shared_strings(self, name: str) -> list[str]:
        items = _StringItems()
        with self.archive.open(name) as source:
            for _nothing in _stream(source, items, []):
                pass
        return items.strings

    def _date_styles(self, name: str) -> tuple[set[int], set[int]]:
        """The cell styles whose number format shows a date or time (and which of them a duration)."""
        root = self._parse(name)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")
        }
        dates: set[int] = set()
        durations: set[int] = set()
        for index, style in enumerate(root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")):
            number_format = int(style.get("numFmtId") or 0)
            code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
            if code and is_date_format(code):
                dates.add(index)
            if code and is_timedelta_format(code):
                durations.add(index)
        return dates, durations


_CHUNK = 64 * 1024
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # expat's "uri}name" names
_X_C, _X_ROW, _X_V, _X_IS, _X_T, _X_SI, _X_PHONETIC = (_NS + tag for tag in ("c", "row", "v", "is", "t", "si", "rPh"))


class _Handlers:
    """What a streamed part does with its elements and text (see `_stream`)."""

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        raise NotImplementedError


def _stream(source: IO[bytes], handlers: _Handlers, out: list[Any]) -> Iterator[Any]:
    """Feed a part to expat a chunk at a time, yielding what the handlers put in `out` after each chunk.

    The big parts (a worksheet, the shared strings) go through expat directly rather than through a
    tree: a Python call per start tag, end tag and text run, nothing else per cell. The parser carries
    defusedxml's guards: a document type declaration (so any entity declaration) or an external entity
    reference is refused as soon as it is met, before anything is expanded."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external_reference
    parser.StartElementHandler = handlers.start
    parser.EndElementHandler = handlers.end
    parser.CharacterDataHandler = handlers.text
    while chunk := source.read(_CHUNK):
        parser.Parse(chunk, False)
        if out:
            yield from out
            out.clear()
    parser.Parse(b"", True)
    yield from out
    out.clear()


def _refuse_doctype(name: str, system_id: str | None, public_id: str | None, _internal: bool) -> None:
    raise DTDForbidden(name, system_id, public_id)


def _refuse_entity(name: str, _parameter: bool, value: str | None, base: str | None, *ids: Any) -> None:
    raise EntitiesForbidden(name, value, base, ids[0], ids[1], ids[2])


def _refuse_unparsed_entity(name: str, base: str | None, system_id: str, public_id: str | None, notation: str) -> None:
    raise EntitiesForbidden(name, None, base, system_id, public_id, notation)


def _refuse_external_reference(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, system_id, public_id)


class _SheetCells(_Handlers):
    """A worksheet's rows as openpyxl's values-only reading gives them."""

    def __init__(self, workbook: "Workbook") -> None:
        self.strings, self.dates, self.durations, self.epoch = (
            workbook.strings,
            workbook.dates,
            workbook.durations,
            workbook.epoch,
        )
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.number = 0
        self.cells: dict[int, Any] = {}
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.value: str | None = None  # the text of the cell's <v>, or of its inline string
        self.collecting: list[str] | None = None  # text being read (<v>, or <t> of an inline string)
        self.inline: list[str] | None = None  # the <t> texts of an inline string
        self.phonetic = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _X_C:
            ref = attributes.get("r")
            self.column = _column(ref) if ref else self.column + 1
            self.kind = attributes.get("t", "n")
            self.style = int(attributes.get("s") or 0)
            self.value = None
            self.inline = None
        elif name == _X_V:
            self.collecting = []
        elif name == _X_ROW:
            ref = attributes.get("r")
            self.number = int(ref) if ref else self.number + 1
            self.cells = {}
            self.column = 0
        elif name == _X_IS:
            self.inline = []
        elif name == _X_T and self.inline is not None and not self.phonetic:
            self.collecting = []
        elif name == _X_PHONETIC:
            self.phonetic = True

    def text(self, data: str) -> None:
        if self.collecting is not None:
            self.collecting.append(data)

    def end(self, name: str) -> None:
        if name == _X_C:
            self._cell()
        elif name == _X_V:
            self.value = "".join(self.collecting or ())
            self.collecting = None
        elif name == _X_T:
            if self.collecting is not None and self.inline is not None:
                self.inline.append("".join(self.collecting))
            self.collecting = None
        elif name == _X_ROW:
            self.done.append((self.number, self.cells))
        elif name == _X_PHONETIC:
            self.phonetic = False

    def _cell(self) -> None:
        kind, text = self.kind, self.value
        value: Any
        if kind == "inlineStr":
            value = "".join(self.inline) if self.inline is not None else None
        elif not text:
            value = None
        elif kind == "n":
            value = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if self.style in self.dates:
                try:
                    value = from_excel(value, self.epoch, timedelta=self.style in self.durations)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
        elif kind == "s":
            value = self.strings[int(text)]
        elif kind == "b":
            value = bool(int(text))
        elif kind == "d":
            value = from_ISO8601(text)
        else:  # str (a formula's text), e (an error such as #N/A)
            value = text
        if value is not None:
            self.cells[self.column] = value


class _StringItems(_Handlers):
    """The shared strings table: each item's plain text (its runs joined, phonetic hints left out)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.collecting: list[str] | None = None
        self.phonetic = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _X_T and not self.phonetic:
            self.collecting = []
        elif name == _X_SI:
            self.parts = []
        elif name == _X_PHONETIC:
            self.phonetic = True

    def text(self, data: str) -> None:
        if self.collecting is not None:
            self.collecting.append(data)

    def end(self, name: str) -> None:
        if name == _X_T:
            if self.collecting is not None:
                self.parts.append("".join(self.collecting))
            self.collecting = None
        elif name == _X_SI:
            self.strings.append("".join(self.parts).replace("x005F_", ""))  # as openpyxl reads them
        elif name == _X_PHONETIC:
            self.phonetic = False


def _column(ref: str) -> int:
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _target(base: str, relations: dict[str, tuple[str, str]], kind: str) -> str:
    for relation_type, target in relations.values():
        if relation_type.endswith(kind):
            return _resolve(base, target)
    return ""
