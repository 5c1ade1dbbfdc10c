import io

import pytest
from openpyxl import Workbook, load_workbook

from title_review.core.errors import DomainError
from title_review.organisations.imports import IMPORT_HEADERS, import_organisations
from title_review.organisations.models import Organisation


def _xlsx(rows, headers=IMPORT_HEADERS, name="orgs.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["*" + h if h in ("机构名称",) else h for h in headers])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    buffer.size = len(buffer.getvalue())
    return buffer


def _row(parent_code, name, kind="用人单位", region="330106 西湖区", username="imp0001"):
    return [parent_code, name, kind, region, "", username, "导入管理员", "", ""]


def test_dry_run_validates_every_row_and_writes_nothing(users, orgs):
    wjw = orgs["杭州市卫生健康委员会"].code
    upload = _xlsx([_row(wjw, "导入医院甲", username="impa001"), _row(wjw, "导入医院乙", username="impb001")])
    result = import_organisations(actor=users["wjwadmin"], upload=upload, commit=False)
    assert not result.has_errors and not result.committed
    assert not Organisation.objects.filter(name__startswith="导入医院").exists()


def test_commit_creates_all_rows_with_admins(users, orgs):
    wjw = orgs["杭州市卫生健康委员会"].code
    upload = _xlsx([_row(wjw, "导入医院甲", username="impa001"), _row(wjw, "导入医院乙", username="impb001")])
    result = import_organisations(actor=users["wjwadmin"], upload=upload, commit=True)
    assert result.committed
    assert Organisation.objects.filter(name__startswith="导入医院").count() == 2
    assert all(r.one_time_password for r in result.rows)


def test_a_row_may_name_a_parent_created_earlier_in_the_file(users, orgs):
    hz = orgs["杭州市职称工作领导小组办公室"].code
    first = import_organisations(
        actor=users["hzadmin"],
        upload=_xlsx([_row(hz, "杭州市新部门", kind="主管部门", username="newdept1")]),
        commit=True,
    )
    dept_code = first.rows[0].code
    second = import_organisations(
        actor=users["hzadmin"], upload=_xlsx([_row(dept_code, "新部门下属单位", username="newunit1")]), commit=True
    )
    assert second.committed


def test_one_bad_row_means_nothing_is_imported_and_each_error_names_its_row(users, orgs):
    wjw = orgs["杭州市卫生健康委员会"].code
    upload = _xlsx(
        [
            _row(wjw, "导入医院甲", username="impa001"),
            _row("999999999999", "无上级医院", username="impc001"),
            _row(wjw, "导入医院丁", kind="研究所", username="impd001"),
            _row(wjw, "导入医院甲", username="impe001"),  # duplicate of row 2
            _row(orgs["杭州市教育局"].code, "越权学校", username="impf001"),
            [wjw, "", "", "", "", "", "", "", ""],
        ]
    )
    result = import_organisations(actor=users["wjwadmin"], upload=upload, commit=True)
    assert not result.committed
    errors = {r.number: " ".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "不存在" in errors[3]
    assert "机构类型" in errors[4]
    assert "已有名为" in errors[5]
    assert "管辖范围" in errors[6]
    assert "不能为空" in errors[7]
    assert not Organisation.objects.filter(name="导入医院甲").exists()


def test_wrong_headers_are_refused(users):
    upload = _xlsx([["a", "b"]], headers=["名称", "类型"])
    with pytest.raises(DomainError, match="表头不正确"):
        import_organisations(actor=users["hzadmin"], upload=upload, commit=False)


def test_wrong_file_type_and_empty_file(users):
    with pytest.raises(DomainError, match="文件类型不正确"):
        import_organisations(actor=users["hzadmin"], upload=_xlsx([], name="orgs.csv"), commit=False)
    with pytest.raises(DomainError, match="没有数据行"):
        import_organisations(actor=users["hzadmin"], upload=_xlsx([]), commit=False)
    garbage = io.BytesIO(b"not a workbook")
    garbage.name = "x.xlsx"
    with pytest.raises(DomainError, match="无法读取"):
        import_organisations(actor=users["hzadmin"], upload=garbage, commit=False)


def test_template_has_required_marks_and_dropdowns(login, orgs):
    response = login("hzadmin").get("/organisations/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["机构"]
    headers = [c.value for c in ws[1]]
    assert "*机构名称" in headers and "*管理员登录名" in headers and "联系人" in headers
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("选项" in f for f in formulas)
    assert "用人单位" in [c.value for c in wb["选项"]["C"]]


def test_import_page_dry_run_then_confirm(login, orgs):
    client = login("wjwadmin")
    wjw = orgs["杭州市卫生健康委员会"].code
    response = client.post("/organisations/import/", {"file": _as_upload(_xlsx([_row(wjw, "页面导入医院")]))})
    text = response.content.decode()
    assert "预检通过" in text and not Organisation.objects.filter(name="页面导入医院").exists()
    token = response.context["token"]
    response = client.post("/organisations/import/", {"token": token})
    assert "导入完成" in response.content.decode()
    assert Organisation.objects.filter(name="页面导入医院").exists()


def _as_upload(buffer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(buffer.name, buffer.getvalue())
