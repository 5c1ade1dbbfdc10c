"""证书信息: the legacy import (接收原系统数据) on the one import mechanism, and the list with masked numbers."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from title_review.audit.models import AuditEvent
from title_review.certificates.imports import CERTIFICATES
from title_review.certificates.models import Certificate
from title_review.certificates.selectors import certificates_of
from title_review.core.identity import check_digit
from title_review.core.importing import run_import
from title_review.jobs.models import Job, JobStatus

HEADERS = ["*姓名", "*证件类型", "*证件号码", "*资格名称代码", "*取得资格时间", "*证书编号", "*发证机构", "单位代码"]
ISSUER = "浙江省人力资源和社会保障厅"
URL = "/certificates/import/"


def xlsx(rows, headers=HEADERS, name="certificates.xlsx"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "证书信息"
    if headers:
        worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def identity(n: int) -> str:
    first17 = f"33010219800101{n:03d}"
    return first17 + check_digit(first17)


def cert_row(n: int, *, qualification="0102 副教授", org_code=""):
    return [
        f"持证人{n:02d}",
        "居民身份证",
        identity(n),
        qualification,
        "2015-12-31",
        f"ZJ2015{n:05d}",
        ISSUER,
        org_code,
    ]


def cert_rows(count=50, **kwargs):
    return [cert_row(n, **kwargs) for n in range(1, count + 1)]


def test_fifty_rows_with_three_bad_ones_report_exactly_those_rows_and_import_nothing(users, orgs):
    rows = cert_rows()
    rows[6][2] = identity(7)[:17] + ("0" if identity(7)[17] != "0" else "1")  # Excel row 8: bad check digit
    rows[21] = list(rows[11])  # Excel row 23: the same certificate as row 13
    rows[40][5] = ""  # Excel row 42: no certificate number
    result = run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx(rows), commit=True)

    assert not result.committed
    errors = {r.number: "；".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {8, 23, 42}
    assert "证件号码校验位不正确" in errors[8] and identity(7) not in errors[8]  # the number is masked
    assert "与第 13 行重复（证书编号、发证机构相同）" in errors[23]
    assert "“证书编号”不能为空" in errors[42]
    assert Certificate.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="certificate.").exists()


def test_the_page_dry_run_lists_the_bad_rows_then_the_fixed_file_imports_fifty(login, orgs):
    client = login("hzadmin")
    rows = cert_rows()
    rows[9][3] = "9999"
    page = client.post(URL, {"file": xlsx(rows)}).content.decode()
    assert "预检发现 1 行有错误，未导入任何数据" in page
    assert "第 11 行" in page and "资格名称代码“9999”不存在" in page
    assert Certificate.objects.count() == 0

    response = client.post(URL, {"file": xlsx(cert_rows())})
    assert "预检通过，共 50 行" in response.content.decode()
    assert Certificate.objects.count() == 0
    page = client.post(URL, {"token": response.context["token"]}).content.decode()
    assert "导入成功：共导入 50 条证书信息" in page
    assert Certificate.objects.count() == 50
    certificate = Certificate.objects.get(number="ZJ201500003")
    assert (certificate.qualification_name, certificate.series_name, certificate.level_name) == (
        "副教授",
        "高等学校教师",
        "副高级",
    )
    assert certificate.organisation == orgs["杭州市职称工作领导小组办公室"]
    assert certificate.source == "legacy" and certificate.imported_at is not None
    assert certificate.obtained_on == dt.date(2015, 12, 31)
    assert list(certificates_of(id_type="01", id_number=identity(3))) == [certificate]
    assert AuditEvent.objects.filter(action="certificate.import").count() == 1


def test_rows_checked_by_the_service_and_by_bulk_lookups(users, orgs):
    Certificate.objects.all().delete()
    run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx([cert_row(1)]), commit=True)
    rows = [
        cert_row(1),  # already recorded by this issuer
        cert_row(2, org_code="NOPE01"),
        cert_row(3, org_code=orgs["杭州市第一人民医院"].code),
        [*cert_row(4)[:4], "2099-01-01", *cert_row(4)[5:]],
        [*cert_row(5)[:4], "去年", *cert_row(5)[5:]],
        ["持证人06", "护照", "E12345678", "0103 讲师", "2010/7/1", "HZ0006", ISSUER, ""],
    ]
    result = run_import(CERTIFICATES, actor=users["xhadmin"], upload=xlsx(rows), commit=True)
    errors = {r.number: "；".join(r.errors) for r in result.rows}
    assert "证书编号 ZJ201500001 已由“浙江省人力资源和社会保障厅”登记" in errors[2]
    assert "单位代码“NOPE01”不存在" in errors[3]
    assert "不在您的管辖范围内" in errors[4]  # 西湖区 cannot record certificates for a city hospital
    assert "取得资格时间 2099-01-01 不合理" in errors[5]
    assert "不是有效日期" in errors[6]
    assert errors[7] == ""  # a passport number is free text; 2010/7/1 reads as a date
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            xlsx([["a", "b"]], headers=["名称", "编号"]),
            "表头不正确：第 1 行应为模板的表头（*姓名、*证件类型、*证件号码",
        ),
        (SimpleUploadedFile("certificates.xlsx", "姓名\t证书编号\n张三\tZJ1\n".encode()), "无法读取该文件"),
        (xlsx([], headers=[]), "文件是空的"),
        (xlsx([]), "文件中没有数据行"),
    ],
    ids=["wrong-headers", "txt-renamed", "empty-workbook", "header-only"],
)
def test_bad_files_are_refused_and_nothing_is_written(login, seeded, upload, message):
    page = login("hzadmin").post(URL, {"file": upload}).content.decode()
    assert message in page
    assert Certificate.objects.count() == 0


def test_a_spreadsheet_that_turned_identity_numbers_into_numbers_is_explained(users, seeded):
    row = cert_row(1)
    row[2] = 330102198001010010
    result = run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx([row]), commit=False)
    assert "被 Excel 存成了数字" in result.rows[0].errors[0]


def test_template_opens_with_dropdowns_and_notes(login, seeded):
    response = login("hzadmin").get("/certificates/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["证书信息"]
    assert [c.value for c in sheet[1]] == HEADERS
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"B2", "D2"}  # 证件类型, 资格名称代码
    assert all(v.type == "list" and v.formula1.startswith("=选项!") for v in validations.values())
    options = workbook["选项"]
    assert "居民身份证" in [c.value for c in options["B"]]
    assert "0102 副教授" in [c.value for c in options["D"]]
    assert sheet.column_dimensions["C"].number_format == "@"
    notes = workbook["说明"]
    assert notes["A1"].value == "导入证书信息 填写说明"
    assert "证件号码" in [c.value for c in notes["A"]]


def test_a_large_file_runs_as_a_job_with_progress_and_a_result_file(
    login, users, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 20  # a 10,000-row file behaves the same above the real 2,000
    client = login("hzadmin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": xlsx(cert_rows(30))})
    assert response.status_code == 302 and "?job=" in response["Location"]
    dry_run = Job.objects.get(owner=users["hzadmin"])
    assert dry_run.status == JobStatus.DONE and dry_run.total == 30 and dry_run.done == 30
    assert Certificate.objects.count() == 0
    page = client.get(response["Location"])
    assert "预检通过，共 30 行" in page.content.decode() and page.context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"token": page.context["token"]})
        again = client.post(URL, {"token": page.context["token"]})  # a second click: the same job
    assert again["Location"] == response["Location"]
    commit = Job.objects.exclude(pk=dry_run.pk).get()
    assert commit.status == JobStatus.DONE and commit.message == "导入成功：共导入 30 条证书信息。"
    assert Certificate.objects.count() == 30
    assert "导入成功" in client.get(response["Location"]).content.decode()
    report = load_workbook(io.BytesIO(commit.result.read()))
    assert report.worksheets[0].max_row == 31
    assert "导入证书信息_导入结果.xlsx" in client.get("/downloads/").content.decode()


def test_a_large_file_with_bad_rows_lists_them_from_the_job(login, users, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 20
    client = login("hzadmin")
    rows = cert_rows(30)
    rows[24][2] = "12345"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": xlsx(rows)})
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "预检发现 1 行有错误" in text and "第 26 行" in text and not page.context["token"]
    assert page.context["job_errors"][0][0] == 26
    # Someone else cannot read the job through the import page.
    other = login("zjadmin").get(response["Location"])
    assert other.status_code == 404


def _dry_run_queries(users, rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx(rows), commit=False)
    return len(queries)


def test_the_dry_run_checks_codes_in_bulk_and_a_row_costs_a_bounded_number_of_queries(users, seeded):
    # Cell checks and code lookups: one query per column, whatever the number of rows.
    unknown = [cert_row(n, qualification="9999") for n in range(1, 41)]
    _dry_run_queries(users, unknown[:1])  # warm: the actor's grants and the policies are read once
    assert _dry_run_queries(users, unknown[:5]) == _dry_run_queries(users, unknown)
    # Rows that reach the service: a fixed number of queries each (its checks, insert and audit row).
    few, many = _dry_run_queries(users, cert_rows(10)), _dry_run_queries(users, cert_rows(40))
    assert (many - few) / 30 <= 10


def test_the_list_masks_identity_numbers_searches_and_keeps_to_the_subtree(login, users, orgs):
    run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx(cert_rows(3)), commit=True)
    xihu_code = orgs["杭州西湖数智科技有限公司"].code
    run_import(CERTIFICATES, actor=users["xhadmin"], upload=xlsx([cert_row(9, org_code=xihu_code)]), commit=True)
    page = login("hzadmin").get("/certificates/").content.decode()
    assert "持证人01" in page and "持证人09" in page
    assert identity(1) not in page and "330102********" in page
    assert "no-store" in login("hzadmin").get("/certificates/")["Cache-Control"]
    found = login("hzadmin").get("/certificates/", {"q": identity(2)}).content.decode()
    assert "持证人02" in found and "持证人01" not in found
    assert "持证人03" in login("hzadmin").get("/certificates/", {"q": "ZJ201500003"}).content.decode()
    xihu = login("xhadmin").get("/certificates/").content.decode()
    assert "持证人09" in xihu and "持证人01" not in xihu
    assert login("hospitaladmin").get("/certificates/").status_code == 403
    assert login("hospitaladmin").get(URL).status_code == 403


def test_the_list_keeps_a_bounded_query_count(login, users, django_assert_max_num_queries):
    run_import(CERTIFICATES, actor=users["hzadmin"], upload=xlsx(cert_rows(40)), commit=True)
    client = login("hzadmin")
    client.get("/certificates/")
    with django_assert_max_num_queries(12):
        client.get("/certificates/")
