"""导入字典条目 on the one import mechanism: province only, each row through create_entry."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from title_review.core.importing import run_import
from title_review.dictionaries.imports import ENTRIES
from title_review.dictionaries.models import Entry

HEADERS = ["*字典类型", "*代码", "*名称", "上级代码", "排序"]


def xlsx(rows):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("entries.xlsx", buffer.getvalue())


def test_province_imports_entries_that_may_refer_to_rows_above(login, seeded):
    rows = [
        ["系列", "98", "测试系列", "", 98],
        ["专业", "9801", "测试专业甲", "98", ""],
        ["specialty", "9802", "测试专业乙", "98", "2"],  # the type's code is accepted too
    ]
    client = login("zjadmin")
    response = client.post("/dictionaries/entries/import/", {"file": xlsx(rows)})
    assert "预检通过，共 3 行" in response.content.decode()
    assert not Entry.objects.filter(code="9801").exists()
    page = client.post("/dictionaries/entries/import/", {"token": response.context["token"]}).content.decode()
    assert "导入成功：共导入 3 个字典条目" in page
    assert Entry.objects.get(type__code="specialty", code="9802").parent.name == "测试系列"


def test_bad_rows_are_listed_and_nothing_is_imported(users, seeded):
    rows = [
        ["系列", "01", "重复代码", "", ""],  # 01 exists already
        ["专业", "9801", "无上级", "97", ""],  # no 系列 97
        ["单位", "1", "未知类型", "", ""],
        ["系列", "98", "新系列", "", "第一"],
        ["系列", "97", "甲", "", ""],
        ["系列", "97", "乙", "", ""],
    ]
    result = run_import(ENTRIES, actor=users["zjadmin"], upload=xlsx(rows), commit=True)
    errors = {r.number: "；".join(r.errors) for r in result.rows}
    assert "已有代码“01”" in errors[2]
    assert "上级代码“97”在“系列”中不存在" in errors[3]
    assert "字典类型“单位”不正确" in errors[4]
    assert "“排序”应为整数" in errors[5]
    assert errors[6] == "" and "与第 6 行重复" in errors[7]
    assert not result.committed and not Entry.objects.filter(name="甲").exists()


def test_only_the_province_imports_entries(login, seeded):
    assert login("hzadmin").get("/dictionaries/entries/import/").status_code == 403
    workbook = load_workbook(io.BytesIO(login("zjadmin").get("/dictionaries/entries/import/template.xlsx").content))
    assert "行政区划" in [c.value for c in workbook["选项"]["A"]]
