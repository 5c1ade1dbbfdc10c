"""Excel plumbing: safe cell values on export, header checks and row reading on import."""

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DomainError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP CSV/formula injection: a text cell starting with one of these is made literal.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text SheetWriter cannot hand to XlsxWriter as it is: formula-like, or shaped like XlsxWriter's rich text.
_SPECIAL_TEXT_STARTS = (*_FORMULA_PREFIXES, "<r>")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
# One worksheet holds 1,048,576 rows; the header takes one.
MAX_SHEET_ROWS = 1_048_575

# Caps on an uploaded .xlsx package, checked on the zip's own directory before openpyxl parses anything
# (a 205 KB file whose shared strings unpack to 200 MB took 47 s and 2 GB). Measured: a 20,000-row
# import file (the row cap) unpacks to about 13 MB with 1.8 MB of shared strings, at ratios up to 17
# even when every cell holds the same word; Excel packages have 10–30 parts. Each cap leaves 3–5 times
# that, and settings of the same name override them.
XLSX_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024
XLSX_MAX_COMPRESSION_RATIO = 100
XLSX_MAX_MEMBERS = 500
# Parts smaller than this unpack to too little to matter, whatever their ratio (tiny XML parts compress
# far better than 100:1 when they are mostly an empty element).
_RATIO_FLOOR_BYTES = 1024 * 1024
# End of central directory: signature, disk numbers, entries on this disk, entries, directory size,
# directory offset, comment length (APPNOTE 4.3.16).
_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = b"PK\x06\x07"

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
AUTO = "auto"  # numbers as numbers, dates as dates, anything else as text (write_table)


def safe_cell(value: Any) -> Any:
    """For plain-text formats (CSV): a leading quote keeps a formula-like value literal.

    In .xlsx files SheetWriter keeps the value exact and marks the cell with Excel's quote prefix instead.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class SheetColumn:
    """A column of an exported sheet: its header, how its cells are typed, and its width (characters)."""

    label: str
    kind: str = TEXT  # TEXT, DATE, DATETIME, NUMBER or AUTO
    width: float = 0  # 0: from the header

    @property
    def display_width(self) -> float:
        return self.width or max(12, len(self.label) * 2 + 2)


class SheetWriter:
    """Streams rows into a one-sheet .xlsx: bold frozen header, typed cells, text kept as text.

    XlsxWriter's constant_memory mode flushes each row to a temporary file when the next one starts,
    so memory stays flat however many rows are written (`in_memory` would switch that mode off).
    Text cells are written as strings in the text format `@`, so identity numbers keep all 18
    characters; a string starting with = + - @ tab or CR is stored exactly as typed with Excel's quote
    prefix, so Excel and LibreOffice show it as text and never evaluate it.
    """

    def __init__(self, target: str | Path | IO[bytes], columns: Sequence[SheetColumn], *, sheet: str = "Sheet1"):
        import xlsxwriter

        self.columns = list(columns)
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.worksheet = self.workbook.add_worksheet(sheet[:31])
        add = self.workbook.add_format
        self.formats = {
            "header": add({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "vcenter"}),
            TEXT: add({"num_format": "@"}),
            "quoted": add({"num_format": "@", "quote_prefix": True}),
            DATE: add({"num_format": "yyyy-mm-dd"}),
            DATETIME: add({"num_format": "yyyy-mm-dd hh:mm"}),
            NUMBER: add({}),
        }
        for col, column in enumerate(self.columns):
            self.worksheet.set_column(
                col, col, column.display_width, self.formats[TEXT] if column.kind == TEXT else None
            )
            self.worksheet.write_string(0, col, column.label, self.formats["header"])
        self.worksheet.freeze_panes(1, 0)
        self.rows = 0
        self._cells = [self._cell_writer(column.kind) for column in self.columns]

    def write_row(self, values: Sequence[Any]) -> None:
        if self.rows >= MAX_SHEET_ROWS:
            raise DomainError(f"导出行数超过 Excel 单表上限（{MAX_SHEET_ROWS} 行），请缩小筛选范围后分批导出。")
        self.rows += 1
        row, cells, typed = self.rows, self._cells, len(self._cells)
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if col < typed:
                cells[col](row, col, value)
            else:
                self._write_cell(row, col, value, TEXT)

    def _cell_writer(self, kind: str) -> Callable[[int, int, Any], None]:
        """One column's cell writer: the values its kind expects go straight to XlsxWriter with the column's
        format (one call per cell; the time zone read once per sheet), anything else through `_write_cell`.
        Both paths write the same cell, so the choice only saves time (issue 12: a 100,000-row 汇总表).

        The fast path calls XlsxWriter's undecorated `_write_string` / `_write_number` / `_write_datetime`, the
        methods its own `write_row` calls (the public ones only add A1-notation parsing: 6 % of a 100,000-row
        汇总表's time); XlsxWriter is pinned, and without them the public methods are used."""
        worksheet, general = self.worksheet, self._write_cell
        if kind == TEXT:
            write_string, text_format = getattr(worksheet, "_write_string", worksheet.write_string), self.formats[TEXT]

            def text(row: int, col: int, value: Any) -> None:
                # Formula-like and "<r>…</r>"-shaped strings (and non-strings) take the general path.
                if value.__class__ is str and not value.startswith(_SPECIAL_TEXT_STARTS):
                    write_string(row, col, value, text_format)
                else:
                    general(row, col, value, TEXT)

            return text
        if kind == NUMBER:
            write_number = getattr(worksheet, "_write_number", worksheet.write_number)
            number_format = self.formats[NUMBER]

            def number(row: int, col: int, value: Any) -> None:
                if value.__class__ is int or value.__class__ is float:  # not bool, which shows 是/否
                    write_number(row, col, value, number_format)
                else:
                    general(row, col, value, NUMBER)

            return number
        if kind in (DATE, DATETIME):
            write_datetime = getattr(worksheet, "_write_datetime", worksheet.write_datetime)
            local = timezone.get_current_timezone()
            date_format, datetime_format = self.formats[DATE], self.formats[kind]

            def date_or_time(row: int, col: int, value: Any) -> None:
                if value.__class__ is dt.datetime:
                    if value.utcoffset() is not None:  # aware: shown in local time, as timezone.localtime does
                        value = value.astimezone(local).replace(tzinfo=None)
                    write_datetime(row, col, value, datetime_format)
                elif value.__class__ is dt.date:
                    write_datetime(row, col, value, date_format)
                else:
                    general(row, col, value, kind)

            return date_or_time
        return lambda row, col, value: general(row, col, value, kind)

    def _write_cell(self, row: int, col: int, value: Any, kind: str) -> None:
        if value is None or value == "":
            return
        worksheet = self.worksheet
        if isinstance(value, bool):
            value = "是" if value else "否"
        if kind in (NUMBER, AUTO) and isinstance(value, (int, float, Decimal)):
            worksheet.write_number(row, col, value, self.formats[NUMBER])
            return
        if kind in (DATE, DATETIME, AUTO) and isinstance(value, dt.date):
            if isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
                worksheet.write_datetime(row, col, value, self.formats[DATETIME if kind == DATETIME else DATE])
            else:
                worksheet.write_datetime(row, col, value, self.formats[DATE])
            return
        text = str(value)
        cell_format = self.formats["quoted" if text.startswith(_FORMULA_PREFIXES) else TEXT]
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter's constant_memory mode copies a string shaped like "<r>…</r>" into the sheet XML
            # unescaped (it takes it for its own rich text), which would let a typed value inject cells or
            # formulas. Written as three plain runs it is escaped and reads back as the same string.
            worksheet.write_rich_string(row, col, text[0], text[1], text[2:], cell_format)
            return
        worksheet.write_string(row, col, text, cell_format)

    def close(self) -> None:
        self.workbook.close()

    def __enter__(self) -> "SheetWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """A one-sheet workbook with a frozen header row; numbers as numbers, everything else as safe text."""
    buffer = io.BytesIO()
    with SheetWriter(buffer, [SheetColumn(h, kind=AUTO) for h in headers], sheet=sheet) as writer:
        for row in rows:
            writer.write_row(row)
    return buffer.getvalue()


def _cap(name: str) -> int:
    return int(getattr(settings, name, globals()[name]))


def _unreadable() -> DomainError:
    return DomainError(
        "无法读取该文件：文件已损坏，或不是用 Excel 保存的 .xlsx 文件。请用 Excel 打开后另存为 .xlsx 再上传。"
    )


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an .xlsx package (a zip) that would cost too much to open, judged by the sizes its own
    directory declares. zipfile never unpacks more than a member declares (a member that holds more
    fails its CRC check), so the declared sizes bound what openpyxl can read."""
    max_members = _cap("XLSX_MAX_MEMBERS")
    # Count the parts from the end record before zipfile builds an object per entry (150,000 empty
    # entries fit in 10 MB and take zipfile 1.5 s and 80 MB). Zip64 is never needed for a workbook
    # this size; refusing it also stops a forged zip64 record from overriding the counts read here.
    end = content.rfind(b"PK\x05\x06", max(0, len(content) - _END_OF_DIRECTORY.size - 0xFFFF))
    if end < 0 or end + _END_OF_DIRECTORY.size > len(content):
        raise _unreadable()
    _sig, _disk, _cd_disk, _here, entries, directory_size, _offset, _comment = _END_OF_DIRECTORY.unpack_from(
        content, end
    )
    too_many = DomainError(
        f"无法读取该文件：文件内部的部件过多（超过 {max_members} 个），不像是 Excel 保存的导入文件。"
        "请下载模板，填写后保存为 .xlsx 再上传。"
    )
    if content[max(0, end - 20) : end - 16] == _ZIP64_LOCATOR or entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise too_many
    # A directory entry is 46 bytes plus its name; Excel's part names are far shorter than 300 bytes.
    if entries > max_members or directory_size > max_members * 346:
        raise too_many
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable() from exc
    if len(members) > max_members:
        raise too_many
    total_cap = _cap("XLSX_MAX_UNCOMPRESSED_BYTES")
    if sum(m.file_size for m in members) > total_cap:
        raise DomainError(
            f"文件解压后超过 {total_cap // 1024 // 1024} MB，系统不予读取：请删除多余的工作表、图片和格式，"
            "或把数据分成几个文件分批导入。"
        )
    strings_cap = _cap("XLSX_MAX_SHARED_STRINGS_BYTES")
    if any(m.filename.lower().endswith("sharedstrings.xml") and m.file_size > strings_cap for m in members):
        raise DomainError(
            f"文件中的文字内容过多（解压后超过 {strings_cap // 1024 // 1024} MB），系统不予读取："
            "请检查是否有异常长的单元格，或把数据分成几个文件分批导入。"
        )
    ratio = _cap("XLSX_MAX_COMPRESSION_RATIO")
    for member in members:
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > ratio * max(member.compress_size, 1):
            raise DomainError(
                f"文件的压缩比异常（其中一个部件解压后是压缩时的 {ratio} 倍以上），可能是特意构造的文件，"
                "系统不予读取。请用 Excel 打开后另存为 .xlsx 再上传。"
            )


@dataclass
class SheetRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, str]


def read_rows(upload: Any, *, expected_headers: Sequence[str]) -> Iterator[SheetRow]:
    """Yield the data rows of the first sheet, keyed by header; refuse wrong files clearly."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise DomainError("文件类型不正确：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise DomainError("文件过大：单个导入文件不能超过 10 MB。")
    check_xlsx_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, Exception) as exc:  # noqa: BLE001 — any parse failure is the same user error
        raise DomainError("无法读取该文件：请确认是用模板填写并保存的 .xlsx 文件。") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise DomainError("文件是空的：没有表头，也没有数据。")
    headers = [_clean_header(h) for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    missing = [h for h in expected_headers if h not in headers]
    if missing:
        raise DomainError("表头不正确：缺少列 " + "、".join(missing) + "。请下载最新模板，不要修改表头。")
    count = 0
    for index, raw in enumerate(rows, start=2):
        values = {headers[i]: _clean_value(v) for i, v in enumerate(raw) if i < len(headers) and headers[i]}
        if not any(values.values()):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise DomainError(f"行数过多：一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入。")
        yield SheetRow(number=index, values=values)
    workbook.close()


def _clean_header(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text.lstrip("*").strip()


def _clean_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def build_template(
    *,
    sheet: str,
    headers: Sequence[str],
    required: Iterable[str],
    choices: dict[str, Sequence[str]] | None = None,
    example: Sequence[str] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """An import template: `*` on required headers, dropdowns, text-formatted columns, an example row.

    Dropdown lists live on a hidden sheet so that long lists (regions) stay within Excel's limits.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    required_set = set(required)
    workbook = Workbook()
    worksheet = workbook.worksheets[0]
    worksheet.title = sheet
    lists = workbook.create_sheet("选项")
    lists.sheet_state = "hidden"
    for col, header in enumerate(headers, start=1):
        cell = worksheet.cell(row=1, column=col, value=("*" if header in required_set else "") + header)
        cell.font = Font(bold=True, color="C00000" if header in required_set else "000000")
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
        letter = get_column_letter(col)
        worksheet.column_dimensions[letter].width = max(14, len(header) * 2 + 4)
        for row in range(2, 2002):
            worksheet.cell(row=row, column=col).number_format = "@"
        options = (choices or {}).get(header)
        if options:
            for i, option in enumerate(options, start=1):
                lists.cell(row=i, column=col, value=option)
            validation = DataValidation(
                type="list",
                formula1=f"=选项!${letter}$1:${letter}${len(options)}",
                allow_blank=header not in required_set,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择{header}。",
            )
            worksheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}2001")
    if example:
        for col, value in enumerate(example, start=1):
            worksheet.cell(row=2, column=col, value=value)
    worksheet.freeze_panes = "A2"
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for i, note in enumerate(notes, start=1):
            help_sheet.cell(row=i, column=1, value=note)
        help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
