"""单位帐户注册, 单位工作人员, 单位忘记密码, 工作账号管理, 修改归口部门."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.dictionaries.models import Entry
from title_review.organisations.codes import _USCC_WEIGHTS, USCC_CHARSET
from title_review.organisations.models import EmployerProfile, EmployerStaff, Organisation
from title_review.verification.testing import captcha_answer, last_sms_code


def uscc(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARSET[(31 - total % 31) % 31]


VALID = uscc("91330106MA2B00001")


def seal_png() -> bytes:
    image = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(image).ellipse((30, 30, 270, 270), outline=(210, 20, 20), width=12)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def licence_pdf() -> bytes:
    from title_review.attachments.tests.helpers import PDF

    return PDF


def registration(orgs, **overrides):
    data = {
        "credit_code": VALID,
        "name": "杭州云栖软件有限公司",
        "legal_representative": "李云",
        "address": "西湖区云栖小镇 1 号",
        "nature": Entry.objects.get(type__code="employer_nature", name="民营企业").pk,
        "industry": Entry.objects.get(type__code="industry", code="I").pk,
        "region": Entry.objects.get(type__code="region", code="330106").pk,
        "parent": orgs["西湖区职称工作领导小组办公室"].pk,
        "username": "yunqisoft",
        "password": "Yq@2026soft",
        "password_confirm": "Yq@2026soft",
        "email": "hr@yunqi.example.cn",
        "contact_person": "周人事",
        "contact_phone": "0571-88888888",
        "licence": SimpleUploadedFile("licence.pdf", licence_pdf(), content_type="application/pdf"),
        "seal": SimpleUploadedFile("seal.png", seal_png(), content_type="image/png"),
    }
    data.update(overrides)
    return data


def test_register_an_employer_and_log_in_at_once(client, orgs):
    response = client.post("/organisations/employer/register/", registration(orgs), follow=True)
    assert "注册成功" in response.content.decode()
    org = Organisation.objects.get(name="杭州云栖软件有限公司")
    assert org.parent == orgs["西湖区职称工作领导小组办公室"] and org.credit_code == VALID
    profile = EmployerProfile.objects.get(organisation=org)
    assert profile.licence_type == "企业法人营业执照" and profile.seal_stamp
    stamp = Image.open(profile.seal_stamp)
    assert stamp.mode == "RGBA" and stamp.getpixel((0, 0))[3] == 0  # paper removed
    assert AuditEvent.objects.filter(action="employer.register", object_id=str(org.pk)).exists()
    assert client.post("/accounts/login/", {"username": "yunqisoft", "password": "Yq@2026soft"}).status_code == 302
    assert client.get("/organisations/employer/seal.png")["Content-Type"] == "image/png"


def test_failed_check_digit_warns_then_registers_after_confirmation(client, orgs):
    bad = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    response = client.post("/organisations/employer/register/", registration(orgs, credit_code=bad))
    text = response.content.decode()
    assert "校验位不符" in text and "信用代码已核对无误" in text
    assert response.context["form"]["name"].value() == "杭州云栖软件有限公司"
    response = client.post(
        "/organisations/employer/register/",
        registration(orgs, credit_code=bad, credit_code_confirmed="on"),
        follow=True,
    )
    assert "注册成功" in response.content.decode()


def test_one_credit_code_once_per_department_but_again_under_another(client, orgs):
    client.post("/organisations/employer/register/", registration(orgs))
    response = client.post(
        "/organisations/employer/register/", registration(orgs, name="另一个名字", username="yunqi2")
    )
    assert "不能重复注册" in response.content.decode()
    response = client.post(
        "/organisations/employer/register/",
        registration(orgs, parent=orgs["杭州市人才服务局"].pk, username="yunqi3"),
        follow=True,
    )
    assert "注册成功" in response.content.decode()
    assert Organisation.objects.filter(credit_code=VALID).count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"licence": SimpleUploadedFile("licence.exe", b"MZ...")}, "只能是 PDF、JPG、PNG"),
        ({"licence": SimpleUploadedFile("licence.pdf", b"not a pdf at all")}, "内容与扩展名不符"),
        ({"licence": SimpleUploadedFile("licence.pdf", b"%PDF-1.4 " + b"0" * (6 * 1024 * 1024))}, "不能超过 5 MB"),
        ({"seal": SimpleUploadedFile("seal.png", b"\x89PNG\r\n\x1a\nbroken")}, "不是有效的图片"),
        ({"username": "云栖软件"}, "字母和数字"),
        ({"password": "weak", "password_confirm": "weak"}, "至少 8 位"),
        ({"credit_code": "12345"}, "18 位"),
    ],
)
def test_bad_registration_input(client, orgs, overrides, message):
    response = client.post("/organisations/employer/register/", registration(orgs, **overrides))
    assert message in response.content.decode()
    assert response.context["form"]["legal_representative"].value() == "李云"
    assert not Organisation.objects.filter(name="杭州云栖软件有限公司").exists()


def test_known_credit_code_fills_in_the_name(client, orgs):
    org = orgs["杭州第二中学"]
    Organisation.objects.filter(pk=org.pk).update(credit_code=VALID)
    text = client.get("/organisations/employer/register/name/", {"credit_code": VALID}).content.decode()
    assert 'value="杭州第二中学"' in text


def test_staff_are_added_by_identity_number_and_recover_the_employer_password(
    login, users, orgs, django_capture_on_commit_callbacks
):
    admin = login("schooladmin")
    response = admin.get("/organisations/employer/staff/", {"id_number": "330106199003071236"})
    assert "韩申报" in response.content.decode() and "330106********1236" in response.content.decode()
    admin.post("/organisations/employer/staff/", {"action": "add", "id_number": "330106199003071236"})
    school = orgs["杭州第二中学"]
    staff = EmployerStaff.objects.get(employer=school, person=users["applicant"])
    Organisation.objects.filter(pk=school.pk).update(credit_code=VALID)
    admin.logout()

    client = admin
    page = client.get("/organisations/employer/password/reset/", {"credit_code": VALID})
    assert "韩*报" in page.content.decode()
    key = page.context["captcha_key"]
    data = {"employer": school.pk, "staff": staff.pk, "id_number": "330106199003071235"}
    response = client.post(
        f"/organisations/employer/password/reset/?credit_code={VALID}",
        {**data, "step": "send", "captcha_key": key, "captcha_answer": captcha_answer(client, key)},
    )
    assert "证件号码不正确" in response.content.decode()
    key = response.context["captcha_key"]
    data["id_number"] = "330106199003071236"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/employer/password/reset/?credit_code={VALID}",
            {**data, "step": "send", "captcha_key": key, "captcha_answer": captcha_answer(client, key)},
        )
    assert "138****0001" in response.content.decode()
    code = last_sms_code("13800000001", "employer_reset")
    response = client.post(
        f"/organisations/employer/password/reset/?credit_code={VALID}",
        {**data, "step": "reset", "sms_code": code, "new_password": "School@2026x", "sent_to": "138****0001"},
        follow=True,
    )
    assert "单位密码已重置" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "schooladmin", "password": "School@2026x"}).status_code == 302


def test_sub_accounts_batch_disable_reset_delete(login, users, orgs, client):
    admin = login("hospitaladmin")
    response = admin.post(
        "/organisations/employer/sub-accounts/",
        {"action": "batch", "batch-count": "5", "batch-permissions": ["fill", "view"]},
        follow=True,
    )
    created = [(User.objects.get(username=name), password) for name, password in response.context["created"]]
    names = [u.username for u, _p in created]
    assert names == [f"hospitaladmin{i}" for i in range(1, 6)]
    first, first_password = created[0]
    assert first.permissions == ["fill", "view"] and first.must_change_password
    # A reload shows the passwords no more and creates nothing more.
    reloaded = admin.get("/organisations/employer/sub-accounts/")
    assert reloaded.context["created"] == [] and first_password not in reloaded.content.decode()
    assert User.objects.filter(username__startswith="hospitaladmin", kind="sub_account").count() == 5

    # 禁用: it can no longer log in, and an open session of it ends.
    from django.test import Client

    other = Client()
    other.force_login(first)
    assert other.get("/accounts/password/change/").status_code == 200
    admin.post("/organisations/employer/sub-accounts/", {"action": "disable", "user": first.pk})
    response = other.get("/accounts/password/change/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert other.post("/accounts/login/", {"username": first.username, "password": first_password}).status_code == 200

    # 重置密码: a new one-time password, forced change at first login.
    second = created[1][0]
    response = admin.post("/organisations/employer/sub-accounts/", {"action": "reset", "user": second.pk}, follow=True)
    new_password = response.context["created"][0][1]
    fresh = Client()
    fresh.post("/accounts/login/", {"username": second.username, "password": new_password})
    assert fresh.get("/").url == "/accounts/password/change/"

    # Single add, with a login name of letters and digits only.
    response = admin.post(
        "/organisations/employer/sub-accounts/",
        {"action": "add", "one-username": "护理部01", "one-permissions": ["view"]},
    )
    assert "字母和数字" in response.content.decode()
    response = admin.post(
        "/organisations/employer/sub-accounts/",
        {"action": "add", "one-username": "nursing01", "one-permissions": ["view", "print"]},
        follow=True,
    )
    assert response.context["created"][0][0] == "nursing01"

    admin.post("/organisations/employer/sub-accounts/", {"action": "delete", "user": created[4][0].pk})
    assert not User.objects.filter(username="hospitaladmin5").exists()


def test_sub_account_pages_are_the_employers_own(login, users, orgs):
    hospital = login("hospitaladmin")
    hospital.post(
        "/organisations/employer/sub-accounts/",
        {"action": "add", "one-username": "nursing02", "one-permissions": ["view"]},
    )
    account = User.objects.get(username="nursing02")
    school = login("schooladmin")
    assert school.get(f"/organisations/employer/sub-accounts/{account.pk}/").status_code == 404
    school.post("/organisations/employer/sub-accounts/", {"action": "disable", "user": account.pk})
    assert school.post("/organisations/employer/sub-accounts/", {"action": "disable", "user": "x"}).status_code == 404
    account.refresh_from_db()
    assert account.is_active
    assert login("hzadmin").get("/organisations/employer/sub-accounts/").status_code == 403


def test_move_to_another_department_is_audited(login, users, orgs):
    admin = login("companyadmin")
    response = admin.post(
        "/organisations/employer/move/",
        {"move-parent": orgs["杭州市人才服务局"].pk, "move-reason": "改由人才服务局代理"},
        follow=True,
    )
    assert "归口部门已改为" in response.content.decode()
    company = Organisation.objects.get(name="杭州西湖数智科技有限公司")
    assert company.parent == orgs["杭州市人才服务局"]
    assert company.path.startswith(orgs["杭州市人才服务局"].path) and company.depth == 4
    event = AuditEvent.objects.get(action="employer.move")
    assert event.reason == "改由人才服务局代理"
    # The old office no longer sees it; the new one does.
    assert login("xhadmin").get(f"/organisations/{company.pk}/").status_code == 404
