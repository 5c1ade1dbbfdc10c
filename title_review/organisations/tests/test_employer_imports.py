"""导入经办账号 (批量新增账号) and 导入单位工作人员 on the one import mechanism: every bad row reported by its
number and reason, nothing written by a dry run or by a file with a bad row, 50 rows when fixed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from title_review.accounts.models import AccountKind, User
from title_review.core.errors import DomainError
from title_review.core.identity import check_digit
from title_review.core.importing import run_import
from title_review.organisations.imports import STAFF, SUB_ACCOUNTS
from title_review.organisations.models import EmployerStaff

SUB_HEADERS = ["*登录名", "姓名", "填写材料", "上报材料", "打印", "查看", "修改本人信息", "修改密码"]
STAFF_HEADERS = ["*证件类型", "*证件号码", "*姓名"]


def xlsx(headers, rows, *, name="import.xlsx", sheet=None):
    workbook = Workbook()
    worksheet = workbook.active
    if sheet:
        worksheet.title = sheet
    if headers:
        worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def identity(n: int) -> str:
    first17 = f"33010619850101{n:03d}"
    return first17 + check_digit(first17)


def bad_identity(n: int) -> str:
    good = identity(n)
    return good[:17] + ("0" if good[17] != "0" else "1")


@pytest.fixture
def people(seeded):
    """50 registered personal accounts (staff must register before an employer can add them)."""
    return [
        User.objects.create(
            username=f"person{n:03d}",
            kind=AccountKind.PERSONAL,
            real_name=f"人员{n:02d}",
            id_type="01",
            id_number=identity(n),
        )
        for n in range(1, 51)
    ]


def staff_rows(people):
    return [["居民身份证", p.id_number, p.real_name] for p in people]


def hospital_staff(orgs):
    return EmployerStaff.objects.filter(employer=orgs["杭州市第一人民医院"]).count()


# ---- 单位工作人员 ---------------------------------------------------------------------------------


def test_staff_file_with_three_bad_rows_reports_exactly_those_rows_and_imports_nothing(users, orgs, people):
    before = hospital_staff(orgs)
    rows = staff_rows(people)
    rows[8] = ["居民身份证", bad_identity(9), "人员09"]  # Excel row 10: a bad check digit
    rows[18] = list(rows[3])  # Excel row 20: the same person as row 5
    rows[28] = ["居民身份证", people[28].id_number, ""]  # Excel row 30: no name
    result = run_import(STAFF, actor=users["hospitaladmin"], upload=xlsx(STAFF_HEADERS, rows), commit=True)

    assert not result.committed
    errors = {r.number: "；".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {10, 20, 30}
    assert "校验位不正确" in errors[10]
    assert "与第 5 行重复" in errors[20]
    assert "“姓名”不能为空" in errors[30]
    assert hospital_staff(orgs) == before


def test_fixed_staff_file_imports_all_fifty(users, orgs, people, login):
    before = hospital_staff(orgs)
    client = login("hospitaladmin")
    upload = xlsx(STAFF_HEADERS, staff_rows(people))
    response = client.post("/organisations/employer/staff/import/", {"file": upload})
    assert "预检通过，共 50 行" in response.content.decode()
    assert hospital_staff(orgs) == before
    response = client.post("/organisations/employer/staff/import/", {"token": response.context["token"]})
    assert "导入成功：共导入 50 名工作人员" in response.content.decode()
    assert hospital_staff(orgs) == before + 50


def test_staff_rows_must_name_a_registered_person_by_the_registered_name(users, orgs, people):
    rows = [
        ["居民身份证", people[0].id_number, "别人"],
        ["居民身份证", identity(77), "没注册"],
        ["护照", people[1].id_number, people[1].real_name],  # the number is registered as 居民身份证
        ["驾驶证", people[2].id_number, people[2].real_name],
    ]
    result = run_import(STAFF, actor=users["hospitaladmin"], upload=xlsx(STAFF_HEADERS, rows), commit=False)
    errors = {r.number: "；".join(r.errors) for r in result.rows}
    assert "姓名与该证件号码注册的姓名不一致" in errors[2]
    assert "没有找到该证件号码的个人账号" in errors[3]
    assert "没有找到该证件号码的个人账号" in errors[4]
    assert "证件类型“驾驶证”不正确" in errors[5]


def test_only_an_employer_administrator_imports_its_staff(users, login, seeded):
    assert login("hzadmin").get("/organisations/employer/staff/import/").status_code == 403
    assert login("hospitaladmin").get("/organisations/employer/staff/import/").status_code == 200


# ---- 工作账号 ------------------------------------------------------------------------------------


def sub_rows(count=50):
    return [[f"hosp{n:04d}", f"使用人{n:02d}", "是", "否", "是", "是", "是", "是"] for n in range(1, count + 1)]


def test_sub_account_file_with_three_bad_rows_reports_exactly_those_rows(users, orgs):
    employer = orgs["杭州市第一人民医院"]
    before = User.objects.filter(organisation=employer, kind=AccountKind.SUB_ACCOUNT).count()
    rows = sub_rows()
    rows[4][0] = "护士长"  # Excel row 6: a login name in Chinese
    rows[14][0] = "HOSP0002"  # Excel row 16: the same login name as row 3 (names ignore case)
    rows[24] = ["", "无登录名", "是", "", "", "", "", ""]  # Excel row 26: no login name
    result = run_import(SUB_ACCOUNTS, actor=users["hospitaladmin"], upload=xlsx(SUB_HEADERS, rows), commit=True)

    errors = {r.number: "；".join(r.errors) for r in result.rows if r.errors}
    assert set(errors) == {6, 16, 26}
    assert "登录名只能由字母和数字组成" in errors[6]
    assert "与第 3 行重复" in errors[16]
    assert "“登录名”不能为空" in errors[26]
    assert not result.committed
    assert User.objects.filter(organisation=employer, kind=AccountKind.SUB_ACCOUNT).count() == before


def test_fixed_sub_account_file_creates_fifty_accounts_with_ticked_permissions_and_one_time_passwords(login, orgs):
    client = login("hospitaladmin")
    response = client.post("/organisations/employer/sub-accounts/import/", {"file": xlsx(SUB_HEADERS, sub_rows())})
    assert "预检通过，共 50 行" in response.content.decode()
    assert not User.objects.filter(username="hosp0001").exists()
    response = client.post("/organisations/employer/sub-accounts/import/", {"token": response.context["token"]})
    page = response.content.decode()
    assert "导入成功：共导入 50 个工作账号" in page and "一次性密码" in page
    created = User.objects.filter(organisation=orgs["杭州市第一人民医院"], username__startswith="hosp0")
    assert created.count() == 50
    account = created.get(username="hosp0007")
    assert account.kind == AccountKind.SUB_ACCOUNT and account.must_change_password
    assert account.real_name == "使用人07"
    assert account.permissions == ["fill", "print", "view", "edit_profile", "change_password"]
    # The confirmation is used once: the same token again changes nothing.
    again = client.post("/organisations/employer/sub-accounts/import/", {"token": response.context.get("token", "x")})
    assert again.status_code == 302
    assert created.count() == 50


def test_a_row_without_any_permission_is_refused_by_the_service(users):
    rows = [["hosp0100", "无权限", "否", "", "", "", "", ""]]
    result = run_import(SUB_ACCOUNTS, actor=users["hospitaladmin"], upload=xlsx(SUB_HEADERS, rows), commit=False)
    assert result.rows[0].errors == ["请至少勾选一项权限"]


def test_an_existing_login_name_is_reported(users):
    rows = [["hzadmin", "重名", "是", "", "", "", "", ""]]
    result = run_import(SUB_ACCOUNTS, actor=users["hospitaladmin"], upload=xlsx(SUB_HEADERS, rows), commit=False)
    assert "已被使用" in result.rows[0].errors[0]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (xlsx(["账号", "名字"], [["a", "b"]]), "表头不正确：第 1 行应为模板的表头（*登录名、姓名、填写材料"),
        (xlsx(["姓名", "填写材料"], [["a", "是"]]), "表头不正确：缺少必填列 登录名"),
        (xlsx([*SUB_HEADERS, "修改密吗"], [["hosp1"]]), "表头不正确：列 修改密吗 不是模板中的列"),
        (SimpleUploadedFile("accounts.xlsx", "登录名,姓名\nhosp1,张三\n".encode()), "不是 .xlsx 格式的 Excel 文件"),
        (SimpleUploadedFile("accounts.xlsx", b""), "文件是空的（0 字节）"),
        (xlsx([], []), "文件是空的：第 1 行没有表头"),
        (xlsx(SUB_HEADERS, []), "文件中没有数据行"),
        (xlsx(SUB_HEADERS, [["hosp1"]], name="accounts.xls"), "文件类型不正确"),
    ],
    ids=[
        "wrong-headers",
        "missing-headers",
        "misspelt-header",
        "txt-renamed",
        "zero-bytes",
        "empty-workbook",
        "header-only",
        "xls",
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_written(users, login, upload, message):
    before = User.objects.count()
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        run_import(SUB_ACCOUNTS, actor=users["hospitaladmin"], upload=upload, commit=True)
    upload.seek(0)
    response = login("hospitaladmin").post("/organisations/employer/sub-accounts/import/", {"file": upload})
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_sub_account_template_has_required_marks_tick_dropdowns_and_notes(login, seeded):
    response = login("hospitaladmin").get("/organisations/employer/sub-accounts/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["工作账号"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["*登录名", "姓名", "填写材料"] and "修改密码" in headers
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    tick = validations["C2"]
    assert tick.type == "list" and "选项" in tick.formula1
    assert [c.value for c in workbook["选项"]["C"]] == ["是", "否"]
    assert workbook["选项"].sheet_state == "hidden"
    notes = [c.value for c in workbook["说明"]["A"] if c.value]
    assert any("预检" in str(n) for n in notes) and "登录名" in notes


def test_the_staff_template_offers_the_identity_types(login, seeded):
    workbook = load_workbook(
        io.BytesIO(login("hospitaladmin").get("/organisations/employer/staff/import/template.xlsx").content)
    )
    assert "居民身份证" in [c.value for c in workbook["选项"]["A"]]
    assert workbook["单位工作人员"].column_dimensions["B"].number_format == "@"  # 证件号码 stays text
