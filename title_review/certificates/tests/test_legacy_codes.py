"""接收原系统数据 — 主管单位代码 / 单位代码: old codes kept beside the organisations they name."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from title_review.audit.models import AuditEvent
from title_review.certificates.imports import CERTIFICATES, LEGACY_CODES
from title_review.certificates.models import Certificate, LegacyOrganisationCode
from title_review.core.identity import check_digit
from title_review.core.importing import run_import
from title_review.organisations.models import Organisation

HEADERS = ["*代码类别", "*原系统代码", "*机构名称", "*上级机构代码", "所在地代码", "统一社会信用代码"]


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("codes.xlsx", buffer.getvalue())


def test_codes_map_existing_organisations_and_create_missing_ones_under_their_parent(users, orgs):
    city = orgs["杭州市职称工作领导小组办公室"].code
    rows = [
        ["主管单位代码", "0301", "杭州市卫生健康委员会", city, "", ""],  # exists: mapped
        ["主管单位代码", "0399", "杭州市体育局", city, "330100 杭州市", ""],  # missing: created
        ["单位代码", "030101", "杭州市第一人民医院", "0301", "", ""],  # parent by the old code above
        ["单位代码", "039901", "杭州市体育运动学校", "0399", "330106", ""],  # under the department created above
    ]
    result = run_import(LEGACY_CODES, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
    assert result.committed, [r.errors for r in result.rows]
    assert [r.result["处理"] for r in result.rows] == ["对应已有机构", "新建机构", "对应已有机构", "新建机构"]
    sports = Organisation.objects.get(name="杭州市体育局")
    assert sports.parent == orgs["杭州市职称工作领导小组办公室"] and sports.kind == "department"
    school = Organisation.objects.get(name="杭州市体育运动学校")
    assert school.parent == sports and school.kind == "employer"
    assert LegacyOrganisationCode.objects.get(code="030101").organisation == orgs["杭州市第一人民医院"]
    assert AuditEvent.objects.filter(action="organisation.legacy_code").count() == 4

    # The same file again changes nothing (idempotent) ...
    again = run_import(LEGACY_CODES, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
    assert again.committed and {r.result["处理"] for r in again.rows} == {"已对应，无变化"}
    assert LegacyOrganisationCode.objects.count() == 4
    # ... and certificates can now name the holder's employer by its old 单位代码.
    number = "33010219800101001"
    certificate = [
        "持证人",
        "居民身份证",
        number + check_digit(number),
        "0102",
        "2015-12-31",
        "ZJ1",
        "浙江省人力资源和社会保障厅",
        "030101",
    ]
    cert_headers = [
        "*姓名",
        "*证件类型",
        "*证件号码",
        "*资格名称代码",
        "*取得资格时间",
        "*证书编号",
        "*发证机构",
        "单位代码",
    ]
    imported = run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx([certificate], cert_headers), commit=True)
    assert imported.committed
    assert Certificate.objects.get().organisation == orgs["杭州市第一人民医院"]


def test_conflicts_and_unknown_parents_are_row_errors_and_nothing_is_written(users, orgs):
    city = orgs["杭州市职称工作领导小组办公室"].code
    run_import(
        LEGACY_CODES,
        actor=users["hzadmin"],
        upload=xlsx([["主管单位代码", "0301", "杭州市卫生健康委员会", city, "", ""]]),
        commit=True,
    )
    rows = [
        ["主管单位代码", "0301", "杭州市教育局", city, "", ""],  # the code names another organisation already
        ["主管单位代码", "0302", "杭州市卫生健康委员会", city, "", ""],  # that organisation has its code
        ["单位代码", "990101", "某单位", "9999", "330106", ""],  # no such parent
        ["单位代码", "030199", "杭州市教育局", city, "", ""],  # a department cannot take a 单位代码
        ["单位代码", "030198", "杭州市新单位", city, "", ""],  # new, but no region to create it with
        [
            "主管单位代码",
            "0303",
            "浙江省某厅",
            orgs["浙江省职称工作领导小组办公室"].code,
            "330000",
            "",
        ],  # above hzadmin
        ["单位代码", "030197", "杭州某公司", city, "330106", ""],
        ["单位代码", "030197", "杭州某公司", city, "330106", ""],  # the same code twice in the file
    ]
    result = run_import(LEGACY_CODES, actor=users["hzadmin"], upload=xlsx(rows), commit=True)
    errors = {r.number: "；".join(r.errors) for r in result.rows}
    assert "已对应“杭州市卫生健康委员会”" in errors[2]
    assert "已对应原系统主管单位代码“0301”" in errors[3]
    assert "上级机构代码“9999”不存在" in errors[4]
    assert "不能对应原系统单位代码" in errors[5]
    assert "新建时须填写所在地代码" in errors[6]
    assert "不在您的管辖范围内" in errors[7]
    assert errors[8] == "" and "与第 8 行重复" in errors[9]
    assert not result.committed
    assert LegacyOrganisationCode.objects.count() == 1
    assert not Organisation.objects.filter(name="杭州某公司").exists()


def test_legacy_code_page_and_template(login, seeded):
    client = login("hzadmin")
    assert client.get("/certificates/legacy-codes/import/").status_code == 200
    workbook = load_workbook(io.BytesIO(client.get("/certificates/legacy-codes/import/template.xlsx").content))
    assert [c.value for c in workbook["原系统单位代码"][1]] == HEADERS
    assert [c.value for c in workbook["选项"]["A"]][:2] == ["主管单位代码", "单位代码"]
    assert login("hospitaladmin").get("/certificates/legacy-codes/import/").status_code == 403
