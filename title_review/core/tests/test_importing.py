"""The import mechanism itself, on a small spec: cells, types, duplicates, headers, all or nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from title_review.core.errors import DomainError
from title_review.core.identity import check_digit
from title_review.core.importing import Column, ImportSpec, Kind, build_template, run_import

pytestmark = pytest.mark.django_db

WRITTEN: list[dict] = []


def _row(ctx, row):
    if row.data["name"] == "拒绝":
        raise DomainError("服务拒绝了这一行。")
    WRITTEN.append(dict(row.data))
    return {"编号": f"N{row.number}"}


SPEC = ImportSpec(
    key="test.people",
    title="导入测试",
    sheet="人员",
    noun="个人",
    columns=(
        Column("姓名", "name", required=True, max_length=4),
        Column("证件号码", "id_number", Kind.IDENTITY, required=True),
        Column("日期", "day", Kind.DATE),
        Column("启用", "enabled", Kind.TICK),
        Column("颜色", "colour", Kind.CHOICE, choices={"红色": "red", "蓝色": "blue"}),
        Column("数量", "count", Kind.INT),
        Column("代码", "code", Kind.LOOKUP, lookup=lambda codes: {c: c.lower() for c in codes if c.startswith("K")}),
    ),
    row=_row,
    start=lambda actor, options: None,
    unique=(("id_number",),),
)
HEADERS = ["*姓名", "*证件号码", "日期", "启用", "颜色", "数量", "代码"]


def identity(n: int) -> str:
    first17 = f"11010119900101{n:03d}"
    return first17 + check_digit(first17)


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("x.xlsx", buffer.getvalue())


@pytest.fixture(autouse=True)
def _clear():
    WRITTEN.clear()


def test_cells_are_typed_and_checked():
    rows = [
        ["张三", identity(1), dt.date(2020, 6, 30), "是", "红色", 3, "K1 说明"],
        ["李四", identity(2), "2020年6月30日", "√", "blue", "", ""],
        ["王五", identity(3), "2020/06/30", "", "", "", ""],
        ["赵六", identity(4), "20200630", "否", "", "", ""],
    ]
    result = run_import(SPEC, actor=None, upload=xlsx(rows), commit=True)
    assert result.committed and not result.has_errors
    assert [w["day"] for w in WRITTEN] == [dt.date(2020, 6, 30)] * 4
    assert [w["enabled"] for w in WRITTEN] == [True, True, None, False]
    assert WRITTEN[0]["colour"] == "red" and WRITTEN[1]["colour"] == "blue" and WRITTEN[0]["count"] == 3
    assert WRITTEN[0]["code"] == "k1"
    assert result.rows[0].result == {"编号": "N2"}


def test_every_bad_row_is_reported_with_its_number_and_the_service_is_not_called_for_it():
    rows = [
        ["名字太长了吧", identity(1), "", "", "", "", ""],
        ["甲", "110101199001010010", "明天", "也许", "绿色", "三", "X9"],
        ["乙", identity(1), "", "", "", "", ""],
        ["拒绝", identity(5), "", "", "", "", ""],
        ["丙", 110101199001010060, "", "", "", "", ""],
        ["丁", identity(7), "", "", "", "", ""],
    ]
    result = run_import(SPEC, actor=None, upload=xlsx(rows), commit=True)
    errors = {r.number: r.errors for r in result.rows}
    assert errors[2] == ["“姓名”不能超过 4 个字"]
    assert len(errors[3]) == 6  # 证件号码, 日期, 启用, 颜色, 数量, 代码 — each named
    assert "与第 2 行重复（证件号码相同）" in errors[4]
    assert errors[5] == ["服务拒绝了这一行"]
    assert "被 Excel 存成了数字" in errors[6][0]
    assert errors[7] == []
    assert not result.committed
    assert [w["name"] for w in WRITTEN] == ["丁"]  # only rows whose cells passed reached the service


def test_headers_are_read_with_or_without_the_required_mark_and_in_any_order():
    rows = [[identity(1), "张三"]]
    result = run_import(SPEC, actor=None, upload=xlsx(rows, headers=[" 证件号码 ", "＊姓名"]), commit=False)
    assert result.rows[0].data["name"] == "张三" and not result.committed


def test_template_lists_every_column_on_the_notes_sheet():
    workbook = load_workbook(io.BytesIO(build_template(SPEC)))
    assert workbook.sheetnames == ["人员", "选项", "说明"]
    assert [c.value for c in workbook["人员"][1]] == HEADERS
    notes = workbook["说明"]
    table = {row[0]: row[1] for row in notes.iter_rows(values_only=True) if row[0] in SPEC.headers}
    assert table == {
        "姓名": "必填",
        "证件号码": "必填",
        "日期": "选填",
        "启用": "选填",
        "颜色": "选填",
        "数量": "选填",
        "代码": "选填",
    }
    assert workbook["人员"].column_dimensions["C"].number_format != "@"  # dates stay dates


def _bulk_spec(bulk):
    from dataclasses import replace

    return replace(SPEC, key="test.people.bulk", bulk=bulk)


def test_a_bulk_chunk_runs_with_the_collector_paused_and_switched_back_on_after():
    import gc

    seen = []

    def bulk(ctx, rows):
        seen.append(gc.isenabled())
        return [{"编号": f"N{r.number}"} for r in rows]

    rows = [["张三", identity(1)], ["李四", identity(2)]]
    result = run_import(_bulk_spec(bulk), actor=None, upload=xlsx(rows), commit=True)
    assert result.committed and seen == [False]
    assert gc.isenabled()


def test_the_collector_is_switched_back_on_when_a_bulk_chunk_fails():
    import gc

    def bulk(ctx, rows):
        raise RuntimeError("服务出错")

    with pytest.raises(RuntimeError):
        run_import(_bulk_spec(bulk), actor=None, upload=xlsx([["张三", identity(1)]]), commit=True)
    assert gc.isenabled()
