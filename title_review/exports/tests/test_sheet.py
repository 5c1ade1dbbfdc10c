"""core.excel.SheetWriter, which every export (and write_table's existing callers) now goes through."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from title_review.core import excel
from title_review.core.errors import DomainError


def cell_time(*parts: int) -> dt.datetime:
    """A date and time as a cell holds it: wall-clock, without a time zone."""
    return dt.datetime(*parts, tzinfo=dt.UTC).replace(tzinfo=None)


def test_cells_are_typed_by_column_and_text_is_kept_exactly(tmp_path):
    columns = [
        excel.SheetColumn("证件号码", width=22),
        excel.SheetColumn("人数", kind=excel.NUMBER),
        excel.SheetColumn("出生日期", kind=excel.DATE),
        excel.SheetColumn("提交时间", kind=excel.DATETIME),
    ]
    utc_noon = dt.datetime(2026, 10, 12, 4, 30, tzinfo=dt.UTC)
    with excel.SheetWriter(tmp_path / "t.xlsx", columns, sheet="名单") as writer:
        writer.write_row(["330106199003071236", 3, dt.date(1990, 3, 7), utc_noon])
        writer.write_row(['=HYPERLINK("http://x")', "7", None, ""])
        writer.write_row(["\tTAB", 2.5, "不详", dt.datetime(2026, 1, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))])
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert sheet.title == "名单" and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("330106199003071236", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (3, "n")
    assert sheet["C2"].value.isoformat() == "1990-03-07T00:00:00" and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value.isoformat() == "2026-10-12T12:30:00"  # Beijing time, as the pages show it
    assert (sheet["A3"].value, sheet["A3"].data_type, sheet["A3"].quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("7", "s")  # a string is never turned into a number
    assert sheet["C3"].value is None and sheet["D3"].value is None
    assert sheet["A4"].value == "\tTAB" and sheet["A4"].quotePrefix and sheet["C4"].value == "不详"
    assert sheet["D4"].value.isoformat() == "2026-01-01T08:00:00"


def test_write_table_keeps_its_callers_working():
    content = excel.write_table(
        ["时间", "操作", "次数"], [("2026-10-12 09:00:00", "=cmd|' /C calc'!A0", 2)], sheet="操作日志"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["时间", "操作", "次数"] and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["2026-10-12 09:00:00", "=cmd|' /C calc'!A0", 2]
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix and sheet["C2"].data_type == "n"


def test_a_sheet_refuses_more_rows_than_excel_holds(monkeypatch, tmp_path):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 2)
    with excel.SheetWriter(tmp_path / "t.xlsx", [excel.SheetColumn("姓名")]) as writer:
        writer.write_row(["甲"])
        writer.write_row(["乙"])
        with pytest.raises(DomainError, match="超过 Excel 单表上限"):
            writer.write_row(["丙"])


def test_values_outside_a_columns_kind_are_written_as_before(tmp_path):
    """Each column hands the values of its kind straight to XlsxWriter; anything else keeps the general rules."""
    columns = [
        excel.SheetColumn("是否", width=6),
        excel.SheetColumn("金额", kind=excel.NUMBER),
        excel.SheetColumn("出生日期", kind=excel.DATE),
        excel.SheetColumn("提交时间", kind=excel.DATETIME),
    ]
    late_utc = dt.datetime(2026, 10, 12, 17, 0, tzinfo=dt.UTC)  # already the 13th in Beijing
    with excel.SheetWriter(tmp_path / "t.xlsx", columns) as writer:
        writer.write_row([True, Decimal("12.50"), late_utc, dt.date(2026, 1, 2)])
        writer.write_row([False, True, "不详", cell_time(2026, 1, 2, 8, 15)])
        writer.write_row(["<r>x</r>", 7, dt.date(1990, 3, 7), 42])
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert [c.value for c in sheet[2]][:2] == ["是", 12.5] and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == cell_time(2026, 10, 13, 1, 0) and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == cell_time(2026, 1, 2) and sheet["D2"].number_format == "yyyy-mm-dd"
    assert [c.value for c in sheet[3]] == ["否", "是", "不详", cell_time(2026, 1, 2, 8, 15)]  # naive: as given
    assert sheet["B3"].data_type == "s" and sheet["D3"].number_format == "yyyy-mm-dd hh:mm"
    assert [c.value for c in sheet[4]] == ["<r>x</r>", 7, cell_time(1990, 3, 7), "42"]
    assert sheet["D4"].data_type == "s" and sheet["A4"].number_format == "@"
