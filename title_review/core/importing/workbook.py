"""Reading one worksheet of an uploaded .xlsx as rows of values, streaming (ADR 0026).

openpyxl's read-only mode spent most of a 10,000-row import in its per-cell objects (and, for files
without a `<dimension>`, parsed the sheet twice). This reads the few parts an import needs — the
workbook's sheet list, the shared strings, the number formats that mark dates, one worksheet — with the
standard library's expat parser through defusedxml, and gives the values openpyxl's `values_only`, `data_only` reading
gives: text, int or float, bool, dates and times (from the cell's number format, 1900 or 1904 dates),
the cached result of a formula, an error such as `#N/A` as its text. Rich text and inline strings are
their plain text.

It streams: a row at a time, only the cells a row holds (no grid is built, so a file with one cell at
XFD1048576 costs one cell). The package has already passed `core.excel.check_xlsx_archive` (sizes,
parts, compression ratio) before this opens it.

Every part is untrusted XML: defusedxml refuses a document type declaration (so no entity can be
declared, expanded or fetched — no "billion laughs", no external entity) as soon as the parser meets
it; the caller turns that into the usual unreadable-file message. No part Excel writes has one.
"""

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_C, _ROW, _V, _IS, _T, _R, _SI = (_MAIN + tag for tag in ("c", "row", "v", "is", "t", "r", "si"))


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
        strings, dates, durations, epoch = self.strings, self.dates, self.durations, self.epoch
        number = 0
        column = 0
        cells: dict[int, Any] = {}
        with self.archive.open(sheet.path) as source:
            for _event, element in _iterparse(source):
                tag = element.tag
                if tag == _C:
                    ref = element.get("r")
                    column = _column(ref) if ref else column + 1
                    kind = element.get("t", "n")
                    if kind == "inlineStr":
                        inline = element.find(_IS)
                        value: Any = _plain(inline) if inline is not None else None
                    else:
                        value = element.findtext(_V) or None
                        if value is not None:
                            if kind == "n":
                                value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                                style = int(element.get("s") or 0)
                                if style in dates:
                                    try:
                                        value = from_excel(value, epoch, timedelta=style in durations)
                                    except (OverflowError, ValueError):
                                        value = "#VALUE!"
                            elif kind == "s":
                                value = strings[int(value)]
                            elif kind == "b":
                                value = bool(int(value))
                            elif kind == "d":
                                value = from_ISO8601(value)
                    if value is not None:
                        cells[column] = value
                    element.clear()
                elif tag == _ROW:
                    ref = element.get("r")
                    number = int(ref) if ref else number + 1
                    yield number, cells
                    cells = {}
                    column = 0
                    element.clear()

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
        strings: list[str] = []
        with self.archive.open(name) as source:
            for _event, element in _iterparse(source):
                if element.tag == _SI:
                    strings.append(_plain(element).replace("x005F_", ""))  # as openpyxl reads them
                    element.clear()
        return strings

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


def _iterparse(source: IO[bytes]) -> Iterator[tuple[str, Element]]:
    """Each element as its end tag is read; a DTD (hence any entity declaration) is refused."""
    return SafeElementTree.iterparse(source, forbid_dtd=True)


def _plain(element: Element) -> str:
    """A string item's text: its <t>, then the <t> of each rich-text run (phonetic hints left out)."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.append(child.findtext(_T) or "")
    return "".join(parts)


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
