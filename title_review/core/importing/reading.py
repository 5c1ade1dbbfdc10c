"""Reading an upload and checking its cells: file, headers, required values, types, dropdown values,
codes (one lookup per column), identity numbers and duplicates inside the file — no query per row."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..errors import DomainError
from ..excel import MAX_IMPORT_BYTES, check_xlsx_archive
from ..identity import RESIDENT_ID, mask_identity, validate_identity
from ..scanning import scan_upload
from ..text import excerpt
from .spec import Column, ImportRow, ImportSpec, Kind
from .workbook import Workbook

_XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip package
_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对"}
_FALSE = {"否", "×", "✗", "N", "NO", "0", "FALSE", "不"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月")


@dataclass
class RawRow:
    number: int
    cells: dict[str, Any]  # header -> the value openpyxl read (text, number, date)


def header_text(spec: ImportSpec) -> str:
    """The template's headers as a user reads them: `*登录名、姓名、...`."""
    return "、".join(("*" if c.required else "") + c.header for c in spec.columns)


def read_upload(spec: ImportSpec, upload: Any) -> list[RawRow]:
    """The data rows of an upload (the spec's sheet, else the first), or a DomainError saying what is wrong."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise DomainError(f"文件类型不正确：请上传 .xlsx 格式的 Excel 文件（可先下载“{spec.title}”模板）。")
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if not content:
        raise DomainError("文件是空的（0 字节）：请选择填写好的导入文件。")
    if len(content) > MAX_IMPORT_BYTES:
        raise DomainError(f"文件过大：单个导入文件不能超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB，请分批导入。")
    if not content.startswith(_XLSX_MAGIC):
        raise DomainError(
            "无法读取该文件：它不是 .xlsx 格式的 Excel 文件（可能是改了扩展名的文本文件，或旧版 .xls 文件）。"
            "请下载模板，填写后保存为 .xlsx 再上传。"
        )
    scan_upload(content, "导入文件")
    check_xlsx_archive(content)
    unreadable = DomainError(
        "无法读取该文件：文件已损坏，或不是用 Excel 保存的 .xlsx 文件。请用 Excel 打开后另存为 .xlsx 再上传。"
    )
    try:
        workbook = Workbook(content)
    except Exception as exc:  # noqa: BLE001 — any parse failure is the same user error
        raise unreadable from exc
    try:
        sheets = {s.name: s for s in workbook.sheets}
        sheet = sheets.get(spec.sheet) or (workbook.sheets[0] if workbook.sheets else None)
        if sheet is None:
            raise unreadable
        return _data_rows(spec, workbook.rows(sheet))
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 — a sheet damaged halfway is the same user error
        raise unreadable from exc
    finally:
        workbook.close()


def _data_rows(spec: ImportSpec, rows: Iterable[tuple[int, dict[int, Any]]]) -> list[RawRow]:
    """The rows under the header row (the sheet's first row), blank ones left out."""
    iterator = iter(rows)
    number, first = next(iterator, (0, {}))
    if number != 1:  # the first row is blank: no headers
        first = {}
    width = max(first, default=0)
    headers = [_clean_header(first.get(column)) for column in range(1, width + 1)]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise DomainError(
            f"文件是空的：第 1 行没有表头，也没有数据。请下载模板，按模板表头（{header_text(spec)}）填写后上传。"
        )
    known = set(spec.headers)
    if not known & set(headers):
        found = "、".join(excerpt(h) for h in headers[:20] if h) + ("等" if len(headers) > 20 else "")
        raise DomainError(
            f"表头不正确：第 1 行应为模板的表头（{header_text(spec)}），文件中却是“{found}”。"
            "请下载最新模板，不要修改表头。"
        )
    # Optional columns may be left out; a required one may not, and a column the template does not
    # have (a misspelt header) is refused rather than silently ignored.
    missing = [h for h in spec.required_headers if h not in headers]
    unknown = [excerpt(h) for h in headers if h and h not in known]
    if missing or unknown:
        problems = ([f"缺少必填列 {'、'.join(missing)}"] if missing else []) + (
            [f"列 {'、'.join(unknown[:20])}{'等' if len(unknown) > 20 else ''} 不是模板中的列"] if unknown else []
        )
        raise DomainError(
            f"表头不正确：{'；'.join(problems)}。模板的表头为：{header_text(spec)}。请下载最新模板，不要修改表头。"
        )
    columns = [(position, header) for position, header in enumerate(headers, start=1) if header in known]
    result: list[RawRow] = []
    for number, raw in iterator:
        cells = {header: value for position, header in columns if not _blank(value := raw.get(position))}
        if not cells:
            continue
        if len(result) >= spec.max_rows:
            raise DomainError(f"行数过多：{spec.title}一次最多导入 {spec.max_rows} 行，请分批导入。")
        result.append(RawRow(number=number, cells=cells))
    if not result:
        raise DomainError("文件中没有数据行：请在模板第 2 行起填写后再上传。")
    return result


def _clean_header(value: Any) -> str:
    text = "" if value is None else re.sub(r"\s", "", str(value))
    return text.lstrip("*＊")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# ---- Checking cells ------------------------------------------------------------------------------


def clean_rows(spec: ImportSpec, raw_rows: list[RawRow]) -> list[ImportRow]:
    """Every cell of every row: required, type, dropdown value, codes (one lookup per column),
    identity numbers, and duplicates inside the file. No query per row."""
    rows = [
        ImportRow(number=r.number, values={c.header: _display(r.cells.get(c.header)) for c in spec.columns})
        for r in raw_rows
    ]
    raws = {r.number: r.cells for r in raw_rows}
    for column in spec.columns:
        if column.kind in (Kind.LOOKUP, Kind.IDENTITY):
            continue
        choices = _choice_index(column) if column.kind == Kind.CHOICE else {}
        for row in rows:
            text = row.values[column.header]
            row.data[column.name] = None
            if not text:
                if column.required:
                    row.fail(column, f"“{column.header}”不能为空")
                continue
            try:
                row.data[column.name] = _convert(column, text, raws[row.number].get(column.header), choices)
            except DomainError as exc:
                row.fail(column, exc.message)
    for column in spec.columns:
        if column.kind == Kind.LOOKUP:
            _lookup_column(column, rows)
    for column in spec.columns:
        if column.kind == Kind.IDENTITY:
            for row in rows:
                _identity_cell(column, row, raws[row.number].get(column.header))
    for names in spec.unique:
        _duplicates(spec, names, rows)
    return rows


def _choice_index(column: Column) -> dict[str, Any]:
    """A dropdown value is accepted as its label, or as its code (alone or before the label)."""
    index: dict[str, Any] = {}
    for label, value in column.choice_map().items():
        index[str(label)] = value
        if isinstance(value, str):
            index.setdefault(value, value)
    return index


def _convert(column: Column, text: str, raw: Any, choices: Mapping[str, Any]) -> Any:
    if column.kind == Kind.TEXT:
        if len(text) > column.max_length:
            raise DomainError(f"“{column.header}”不能超过 {column.max_length} 个字")
        return text
    if column.kind == Kind.INT:
        if not re.fullmatch(r"-?\d+", text):
            raise DomainError(f"“{column.header}”应为整数，而不是“{excerpt(text)}”")
        return int(text)
    if column.kind == Kind.TICK:
        upper = text.upper()
        if upper in _TRUE:
            return True
        if upper in _FALSE:
            return False
        raise DomainError(f"“{column.header}”只能填“是”或“否”，而不是“{excerpt(text)}”")
    if column.kind == Kind.DATE:
        return _parse_date(column, text, raw)
    value = choices.get(text, choices.get(text.split()[0], _MISSING))
    if value is _MISSING:
        allowed = list(column.choice_map())
        shown = "、".join(str(a) for a in allowed[:20]) + ("等" if len(allowed) > 20 else "")
        raise DomainError(f"{column.header}“{excerpt(text)}”不正确，应为：{shown}")
    return value


_MISSING = object()


def _parse_date(column: Column, text: str, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if len(text) == 10 and text[4] == text[7] == "-":  # 2020-06-30, the template's format: the fast path
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time zone
        except ValueError:
            continue
    raise DomainError(f"“{column.header}”的“{excerpt(text)}”不是有效日期，请按 2020-06-30 的格式填写")


def _lookup_column(column: Column, rows: list[ImportRow]) -> None:
    if column.lookup is None:
        raise ImproperlyConfigured(f"{column.header}: a LOOKUP column needs `lookup`")
    tokens: dict[int, str] = {}
    for row in rows:
        text = row.values[column.header]
        row.data[column.name] = None
        if not text:
            if column.required:
                row.fail(column, f"“{column.header}”不能为空")
            continue
        tokens[row.number] = text.split()[0]
    found = column.lookup(set(tokens.values())) if tokens else {}
    for row in rows:
        token = tokens.get(row.number)
        if token is None:
            continue
        value = found.get(token)
        if value is None:
            row.fail(column, column.unknown.format(header=column.header, value=excerpt(row.values[column.header])))
        else:
            row.data[column.name] = value


def _identity_cell(column: Column, row: ImportRow, raw: Any) -> None:
    text = row.values[column.header]
    row.data[column.name] = None
    if not text:
        if column.required:
            row.fail(column, f"“{column.header}”不能为空")
        return
    if column.id_type_column:
        id_type = row.data.get(column.id_type_column)
        if id_type is None:
            return  # the 证件类型 cell already carries its own error
    else:
        id_type = RESIDENT_ID
    if isinstance(raw, (int, float)) and len(text) >= 15:
        row.fail(column, f"“{column.header}”被 Excel 存成了数字（末尾数字可能已丢失），请把该列设为文本格式后重新填写")
        return
    try:
        row.data[column.name] = validate_identity(str(id_type), text).number
    except DomainError as exc:
        row.fail(column, f"{exc.message.rstrip('。')}（{mask_identity(text[:30]) + ('…' if len(text) > 30 else '')}）")


def _duplicates(spec: ImportSpec, names: tuple[str, ...], rows: list[ImportRow]) -> None:
    columns = [c for c in spec.columns if c.name in names]
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        if any(c.name in row.bad_columns or row.data.get(c.name) in (None, "") for c in columns):
            continue
        key = tuple(_key_part(row.data[c.name]) for c in columns)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            label = "、".join(c.header for c in columns)
            row.fail(None, f"与第 {first} 行重复（{label}相同）")


def _key_part(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    return getattr(value, "pk", value)
