"""The streaming .xlsx reader (core.importing.workbook, ADR 0026) reads what openpyxl reads.

Every file is written by openpyxl or XlsxWriter (the two writers people's tools are closest to) and read
twice: by openpyxl, as the imports read files before (`data_only`, values), and by the reader. The two
must give the same value, of the same type, in the same cell.
"""

import datetime as dt
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from title_review.core.errors import DomainError
from title_review.core.importing import Column, ImportSpec, read_upload
from title_review.core.importing.workbook import Workbook

Cells = dict[tuple[int, int], object]


def naive(*parts: int) -> dt.datetime:
    """A date and time as a spreadsheet holds it: no time zone."""
    return dt.datetime(*parts)  # noqa: DTZ001


def openpyxl_cells(content: bytes, sheet: str | None = None, *, read_only: bool) -> Cells:
    book = load_workbook(io.BytesIO(content), read_only=read_only, data_only=True)
    worksheet = book[sheet] if sheet else book.worksheets[0]
    cells = {
        (cell.row, cell.column): cell.value
        for row in worksheet.iter_rows()
        for cell in row
        if cell.value is not None and hasattr(cell, "row")
    }
    book.close()
    return cells


def reader_cells(content: bytes, sheet: str | None = None) -> Cells:
    workbook = Workbook(content)
    try:
        chosen = next(s for s in workbook.sheets if s.name == sheet) if sheet else workbook.sheets[0]
        return {(number, column): value for number, row in workbook.rows(chosen) for column, value in row.items()}
    finally:
        workbook.close()


def assert_reads_as_openpyxl(content: bytes, sheet: str | None = None) -> Cells:
    ours = reader_cells(content, sheet)
    for read_only in (True, False):
        theirs = openpyxl_cells(content, sheet, read_only=read_only)
        assert ours == theirs
        assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in theirs.items()}
    return ours


def openpyxl_bytes(book: OpenpyxlWorkbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsxwriter_bytes(fill, **options) -> bytes:
    buffer = io.BytesIO()
    # constant_memory (inline strings) needs temporary files; otherwise everything stays in memory.
    book = xlsxwriter.Workbook(buffer, {"in_memory": not options.get("constant_memory"), **options})
    fill(book)
    book.close()
    return buffer.getvalue()


def test_values_written_by_openpyxl():
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["姓名", "数量", "比例", "是否", "日期", "时间", "时刻", "空"])
    sheet.append(["张三", 42, 0.125, True, dt.date(2015, 12, 31), naive(2020, 6, 30, 8, 15), dt.time(9, 30), None])
    sheet.append([" 前后空格 ", -7, 1e-10, False, dt.date(1900, 3, 1), naive(1999, 12, 31, 23, 59, 59), None, ""])
    sheet.append([12345678901234567890, 3.0, 1.5e20, "=1+1", "330102198001010010"])
    rich = CellRichText(["加粗", TextBlock(InlineFont(b=True), "文字"), " 尾"])
    sheet["A6"] = rich
    sheet["C8"] = "稀疏"
    sheet["AA12"] = 7
    sheet["E3"].number_format = "yyyy年m月d日"
    cells = assert_reads_as_openpyxl(openpyxl_bytes(book))
    assert cells[(1, 1)] == "姓名" and cells[(2, 4)] is True and cells[(3, 4)] is False
    assert cells[(2, 5)] == naive(2015, 12, 31) and cells[(2, 7)] == dt.time(9, 30)
    assert cells[(6, 1)] == "加粗文字 尾"
    assert (4, 4) not in cells  # a formula openpyxl wrote has no cached value: empty, as openpyxl reads it
    assert (8, 3) in cells and (12, 27) in cells and not any(r in (5, 7, 9, 10, 11) for r, _c in cells)


def test_values_written_by_xlsxwriter_shared_strings():
    def fill(book):
        sheet = book.add_worksheet("数据")
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        duration = book.add_format({"num_format": "[h]:mm:ss"})
        sheet.write_row(0, 0, ["文本", "整数", "小数", "布尔", "日期"])
        sheet.write_row(1, 0, ["浙江", 2015, 2.5, True])
        sheet.write_datetime(1, 4, dt.date(2015, 12, 31), day)
        sheet.write_datetime(1, 5, naive(2020, 6, 30, 8, 15, 30), moment)
        sheet.write_number(1, 6, 1.25, duration)
        sheet.write_rich_string(2, 0, "普通", bold, "加粗", "普通")
        sheet.write_formula(3, 0, "=1+1", None, 2)
        sheet.write_formula(3, 1, '="a"&"b"', None, "ab")
        sheet.write_formula(3, 2, "=NA()", None, "#N/A")
        sheet.write_formula(3, 3, "=1/0", None, "#DIV/0!")
        sheet.write_formula(3, 4, "=TRUE()", None, True)
        sheet.write_formula(3, 5, "=0.5*3", None, 1.5)
        sheet.write_blank(5, 0, None, bold)  # a styled empty cell: no value
        sheet.write_string(7, 2, "第8行")

    cells = assert_reads_as_openpyxl(xlsxwriter_bytes(fill))
    assert cells[(3, 1)] == "普通加粗普通"
    assert [cells[(4, c)] for c in range(1, 7)] == [2, "ab", "#N/A", "#DIV/0!", True, 1.5]
    assert cells[(2, 7)] == dt.timedelta(hours=30)  # 1.25 days shown as a duration
    assert (6, 1) not in cells and cells[(8, 3)] == "第8行"


def test_inline_strings_and_rich_inline_strings_from_xlsxwriter_constant_memory():
    def fill(book):
        sheet = book.add_worksheet()
        italic = book.add_format({"italic": True})
        sheet.write_row(0, 0, ["姓名", "编号", " 空格 "])
        sheet.write_row(1, 0, ["李四", "ZJ2015", 3])
        sheet.write_rich_string(2, 0, "前", italic, "中", "后")

    content = xlsxwriter_bytes(fill, constant_memory=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"inlineStr" in archive.read("xl/worksheets/sheet1.xml")
    cells = assert_reads_as_openpyxl(content)
    assert cells[(1, 3)] == " 空格 " and cells[(3, 1)] == "前中后"


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_a_1904_dated_workbook(writer):
    day, moment = dt.date(2015, 12, 31), naive(2020, 6, 30, 8, 15)
    if writer == "openpyxl":
        book = OpenpyxlWorkbook()
        book.epoch = CALENDAR_MAC_1904
        book.active.append([day, moment])
        content = openpyxl_bytes(book)
    else:

        def fill(book):
            sheet = book.add_worksheet()
            sheet.write_datetime(0, 0, day, book.add_format({"num_format": "yyyy-mm-dd"}))
            sheet.write_datetime(0, 1, moment, book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))

        content = xlsxwriter_bytes(fill, date_1904=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"date1904" in archive.read("xl/workbook.xml")
    cells = assert_reads_as_openpyxl(content)
    assert cells == {(1, 1): naive(2015, 12, 31), (1, 2): moment}


def test_a_sheet_without_row_and_cell_references():
    """Some generators leave out `r`: rows and cells are then counted in order, as openpyxl does."""
    book = OpenpyxlWorkbook()
    book.active.append(["x"])
    content = openpyxl_bytes(book)
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
        b'<row r="3"><c r="B3"><v>2.5</v></c><c><v>3</v></c></row><row><c t="b"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    content = _replace_member(content, "xl/worksheets/sheet1.xml", sheet)
    cells = assert_reads_as_openpyxl(content)
    assert cells == {(1, 1): "a", (1, 2): 1, (3, 2): 2.5, (3, 3): 3, (4, 1): True}


def _replace_member(content: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == name else src.read(info.filename))
    return out.getvalue()


# ---- through read_upload: the sheet, the header row ---------------------------------------------------

SPEC = ImportSpec(
    key="test.workbook",
    title="导入测试",
    sheet="人员",
    noun="个人",
    columns=(Column("姓名", "name", required=True), Column("编号", "code")),
    row=lambda ctx, row: None,
    start=lambda actor, options: None,
)


def _upload(book: OpenpyxlWorkbook) -> SimpleUploadedFile:
    return SimpleUploadedFile("x.xlsx", openpyxl_bytes(book))


def test_the_sheet_is_picked_by_name_else_the_first():
    book = OpenpyxlWorkbook()
    book.active.title = "说明"
    book.active.append(["这是说明页"])
    people = book.create_sheet("人员")
    people.append(["*姓名", "编号"])
    people.append(["王五", 7])
    rows = read_upload(SPEC, _upload(book))
    assert [(r.number, r.cells) for r in rows] == [(2, {"姓名": "王五", "编号": 7})]

    other = OpenpyxlWorkbook()
    other.active.title = "Sheet1"
    other.active.append(["姓名"])
    other.active.append([])
    other.active.append(["赵六"])
    rows = read_upload(SPEC, _upload(other))
    assert [(r.number, r.cells) for r in rows] == [(3, {"姓名": "赵六"})]  # blank row 2 skipped


def test_a_blank_first_row_is_a_header_error():
    book = OpenpyxlWorkbook()
    book.active["A2"] = "姓名"
    book.active["A3"] = "王五"
    with pytest.raises(DomainError, match="文件是空的：第 1 行没有表头"):
        read_upload(SPEC, _upload(book))


def test_a_workbook_without_worksheets_is_unreadable():
    book = OpenpyxlWorkbook()
    book.active.append(["姓名"])
    content = _replace_member(
        openpyxl_bytes(book),
        "xl/_rels/workbook.xml.rels",
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"></Relationships>',
    )
    with pytest.raises(DomainError, match="无法读取该文件"):
        read_upload(SPEC, SimpleUploadedFile("x.xlsx", content))


def test_shared_strings_listed_only_in_the_content_types_are_read_as_openpyxl_reads_them():
    content = xlsxwriter_bytes(lambda book: book.add_worksheet().write_row(0, 0, ["姓名", "编号"]))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        relations = archive.read("xl/_rels/workbook.xml.rels").decode()
    kept = re.sub(r"<Relationship [^>]*sharedStrings[^>]*/>", "", relations)
    assert kept != relations
    content = _replace_member(content, "xl/_rels/workbook.xml.rels", kept.encode())
    assert assert_reads_as_openpyxl(content) == {(1, 1): "姓名", (1, 2): "编号"}
