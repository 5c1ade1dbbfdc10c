"""Names refuse control characters, bidi overrides and other invisible format characters (issue 10,
finding 9): “张三\u202etxt.exe” would show as something else in lists, exports and printed forms."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from title_review.core.errors import DomainError
from title_review.core.text import clean_name

MESSAGE = "含有不可见的控制字符，请删除后重新输入。"
ROW_MESSAGE = MESSAGE.rstrip("。")  # row reasons on the import page end without the full stop
INVISIBLE = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202a",
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2069",
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",
    "\u061c",  # ARABIC LETTER MARK
    "\u200b",  # ZERO WIDTH SPACE
    "\ufeff",  # BOM
    "\x00",
    "\x07",
    "\x1b",
    "\x85",  # C1 NEXT LINE
    "\u2028",  # LINE SEPARATOR
]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_each_invisible_character_is_refused(char):
    with pytest.raises(DomainError, match=MESSAGE):
        clean_name(f"张{char}三")


def test_ordinary_names_pass_with_their_spaces():
    assert clean_name("  张三 ") == "张三"
    assert clean_name("Zhang San") == "Zhang San"
    assert clean_name("阿卜杜·热合曼　买买提") == "阿卜杜·热合曼　买买提"  # full-width space kept
    assert clean_name("杭州市第一人民医院（西院区）") == "杭州市第一人民医院（西院区）"


def _xlsx(headers, rows, name="import.xlsx"):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_employer_registration_through_the_api_refuses_a_bidi_override_in_the_name(client, orgs):
    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import Organisation
    from title_review.organisations.tests.test_employer_api import _body

    nature = Entry.objects.get(type__code="employer_nature", name="民营企业").code
    for field in ("name", "contact_person", "legal_representative"):
        body = _body(orgs, nature_code=nature, **{field: "杭州\u202e司公限有技科"})
        response = client.post("/api/v1/employers/register/", body)
        assert response.status_code == 400, field
        assert MESSAGE in response.json()["message"]
    assert not Organisation.objects.filter(name__contains="\u202e").exists()


def test_sub_account_import_reports_the_row(login, seeded):
    from title_review.accounts.models import User

    headers = ["*登录名", "姓名", "填写材料", "上报材料", "打印", "查看", "修改本人信息", "修改密码"]
    upload = _xlsx(headers, [["hospx01", "王\u202e五", "是", "否", "否", "是", "否", "否"]])
    response = login("hospitaladmin").post("/organisations/employer/sub-accounts/import/", {"file": upload})
    html = response.content.decode()
    assert "姓名" + ROW_MESSAGE in html
    assert not User.objects.filter(username="hospx01").exists()


def test_organisation_import_reports_the_row(users, orgs):
    from title_review.organisations.imports import IMPORT_HEADERS, import_organisations

    wjw = orgs["杭州市卫生健康委员会"].code
    row = [wjw, "导入\u2066医院", "用人单位", "330106 西湖区", "", "impx001", "导入管理员", "", ""]
    upload = _xlsx(["*" + h if h == "机构名称" else h for h in IMPORT_HEADERS], [row], name="orgs.xlsx")
    result = import_organisations(actor=users["wjwadmin"], upload=upload, commit=True)
    assert not result.committed
    assert "机构名称" + ROW_MESSAGE in " ".join(result.rows[0].errors)


def test_a_work_account_refuses_a_control_character_in_the_name(users, login):
    from title_review.accounts.models import SubAccountPermission, User
    from title_review.organisations.employers import create_sub_account

    hospital = users["hospitaladmin"].organisation
    with pytest.raises(DomainError, match=MESSAGE):
        create_sub_account(
            actor=users["hospitaladmin"],
            employer_id=hospital.pk,
            username="hospx02",
            real_name="李\x1b四",
            permissions=[SubAccountPermission.values[0]],
        )
    assert not User.objects.filter(username="hospx02").exists()


def test_committee_panel_and_round_titles_refuse_them(users, orgs):
    from title_review.rounds import services

    with pytest.raises(DomainError, match=MESSAGE):
        services.create_committee(
            actor=users["hzadmin"],
            host=orgs["杭州市职称工作领导小组办公室"],
            name="杭州\u202e会委评",
            series=None,
            levels=[],
            specialties=[],
        )
