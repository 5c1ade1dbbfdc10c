"""个人注册, 登录 by mobile and identity number, 忘记密码, 个人信息 and 更换手机号码."""

import logging

import pytest

from title_review.accounts.models import User
from title_review.accounts.services import AGREEMENT_VERSION
from title_review.verification.testing import captcha_answer, last_sms_code

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def _send_code(
    client, django_capture_on_commit_callbacks, *, phone=PHONE, purpose="register", page="/accounts/register/"
):
    key = client.get(page).context["captcha_key"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/verification/sms/send/",
            {"phone": phone, "purpose": purpose, "captcha_key": key, "captcha_answer": captcha_answer(client, key)},
        )
    assert "验证码已发送" in response.content.decode()
    return last_sms_code(phone, purpose)


def _form(**overrides):
    data = {
        "real_name": "王小明",
        "id_type": "01",
        "id_number": ID_NUMBER.lower(),
        "phone": PHONE,
        "sms_code": "",
        "password": "Xm@2026abc",
        "password_confirm": "Xm@2026abc",
        "agree": "on",
    }
    data.update(overrides)
    return data


def test_register_then_log_in_by_mobile_and_by_identity_number(client, seeded, django_capture_on_commit_callbacks):
    code = _send_code(client, django_capture_on_commit_callbacks)
    response = client.post("/accounts/register/", _form(sms_code=code), follow=True)
    assert "注册成功" in response.content.decode()
    user = User.objects.get(phone=PHONE)
    assert user.id_number == ID_NUMBER and user.sex == "女" and str(user.birth_date) == "1949-12-31"
    assert user.agreement_version == AGREEMENT_VERSION and user.agreement_accepted_at is not None
    for login in (PHONE, ID_NUMBER, ID_NUMBER.lower()):
        client.logout()
        response = client.post("/accounts/login/", {"username": login, "password": "Xm@2026abc"})
        assert response.status_code == 302, login
    # The code was single use.
    client.logout()
    response = client.post("/accounts/register/", _form(sms_code=code, id_number="330106199003071236", phone=PHONE))
    assert "已注册" in response.content.decode() or "失效" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验位不正确"),
        ({"id_number": "110105194913310025"}, "id_number", "证件号码"),
        ({"id_number": "110105491231002"}, "id_number", "15 位"),
        ({"password": "weakpass", "password_confirm": "weakpass"}, "password", "至少 8 位"),
        ({"sms_code": "000000"}, "sms_code", "验证码"),
        ({"agree": ""}, "agree", "同意"),
        ({"phone": "1391234"}, "phone", "手机号码格式不正确"),
    ],
)
def test_bad_input_is_explained_at_the_field_and_the_form_is_kept(
    client, seeded, django_capture_on_commit_callbacks, overrides, field, message
):
    code = _send_code(client, django_capture_on_commit_callbacks)
    response = client.post("/accounts/register/", _form(**{"sms_code": code, **overrides}))
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    assert form["real_name"].value() == "王小明"
    assert not User.objects.filter(real_name="王小明").exists()


def test_one_account_per_identity_number(users, client, seeded, django_capture_on_commit_callbacks):
    code = _send_code(client, django_capture_on_commit_callbacks)
    response = client.post("/accounts/register/", _form(sms_code=code, id_number="330106199003071236"))
    assert "该证件号码已注册过个人账号" in response.content.decode()


def test_hk_macao_permit_registers_under_its_own_type(client, seeded, django_capture_on_commit_callbacks):
    from title_review.core.identity import check_digit

    permit = "81000019900101123" + check_digit("81000019900101123")
    code = _send_code(client, django_capture_on_commit_callbacks)
    response = client.post("/accounts/register/", _form(sms_code=code, id_type="02", id_number=permit), follow=True)
    assert "注册成功" in response.content.decode()


def test_forgot_password_by_sms(users, client, django_capture_on_commit_callbacks):
    code = _send_code(
        client,
        django_capture_on_commit_callbacks,
        phone="13800000001",
        purpose="reset_password",
        page="/accounts/password/reset/",
    )
    response = client.post(
        "/accounts/password/reset/",
        {
            "phone": "13800000001",
            "sms_code": code,
            "new_password": "Reset@2026x",
            "new_password_confirm": "Reset@2026x",
        },
        follow=True,
    )
    assert "密码已重置" in response.content.decode()
    assert client.post("/accounts/login/", {"username": "13800000001", "password": "Reset@2026x"}).status_code == 302


def test_change_phone_needs_the_password_and_a_code_to_the_new_number(login, users, django_capture_on_commit_callbacks):
    client = login("applicant")
    new_phone = "13700000002"
    code = _send_code(
        client,
        django_capture_on_commit_callbacks,
        phone=new_phone,
        purpose="change_phone",
        page="/accounts/profile/phone/",
    )
    response = client.post("/accounts/profile/phone/", {"password": "wrong", "phone": new_phone, "sms_code": code})
    assert "登录密码不正确" in response.content.decode()
    response = client.post(
        "/accounts/profile/phone/", {"password": "Demo@2026", "phone": new_phone, "sms_code": code}, follow=True
    )
    assert "手机号码已更换" in response.content.decode()
    assert User.objects.get(username="applicant").phone == new_phone
    text = client.get("/accounts/profile/").content.decode()
    assert "137****0002" in text and "330106********1236" in text and "330106199003071236" not in text


def test_no_identity_number_or_sms_code_in_logs(client, seeded, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    code = _send_code(client, django_capture_on_commit_callbacks)
    client.post("/accounts/register/", _form(sms_code=code))
    client.post("/accounts/login/", {"username": ID_NUMBER, "password": "bad"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ID_NUMBER not in logged and ID_NUMBER.lower() not in logged and code not in logged


def test_passwords_are_stored_as_argon2(settings, seeded):
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create_user(username="argontest", password="Argon@2026x")
    assert user.password.startswith("argon2$")
