"""Excel plumbing: safe cell values on export, header checks and row reading on import."""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DomainError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP CSV/formula injection: a text cell starting with one of these is made literal.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """A one-sheet workbook with a frozen header row; every cell written as text-safe."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, bold)
        worksheet.set_column(col, col, max(12, len(header) * 2 + 2))
    worksheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                worksheet.write_number(r, col, value)
            else:
                worksheet.write_string(r, col, str(safe_cell(str(value))), text)
    workbook.close()
    return buffer.getvalue()


@dataclass
class SheetRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, str]


def read_rows(upload: Any, *, expected_headers: Sequence[str]) -> Iterator[SheetRow]:
    """Yield the data rows of the first sheet, keyed by header; refuse wrong files clearly."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise DomainError("文件类型不正确：请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
    if getattr(upload, "size", 0) > MAX_IMPORT_BYTES:
        raise DomainError("文件过大：单个导入文件不能超过 10 MB。")
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
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
