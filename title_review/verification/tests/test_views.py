"""The send-code endpoint and the development outbox."""

import re

import pytest

from title_review.verification.models import SmsCode, SmsMessage
from title_review.verification.services import verify_sms_code
from title_review.verification.testing import captcha_answer, last_sms_code

SEND = "/verification/sms/send/"


def _captcha(client) -> tuple[str, str]:
    key = re.search(r'name="captcha_key" value="([^"]+)"', client.get("/verification/captcha/new/").content.decode())
    assert key
    return key.group(1), captcha_answer(client, key.group(1))


def _post(client, phone="13812345678", purpose="register", answer=None, **extra):
    key, right = _captcha(client)
    data = {
        "phone": phone,
        "purpose": purpose,
        "captcha_key": key,
        "captcha_answer": right if answer is None else answer,
    }
    return key, client.post(SEND, data, **extra)


def test_a_wrong_captcha_sends_nothing_and_offers_a_new_picture(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old_key, response = _post(client, answer="WRONG")
    html = response.content.decode()
    assert response.status_code == 200
    assert "图形验证码不正确，请重新输入。" in html
    assert not SmsCode.objects.exists() and not SmsMessage.objects.exists()
    new_key = re.search(r'name="captcha_key" value="([^"]+)"', html).group(1)
    assert new_key != old_key
    assert captcha_answer(client, new_key)


def test_a_right_captcha_sends_the_code(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _key, response = _post(client, REMOTE_ADDR="10.1.2.3")
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "验证码已发送，请查收短信（60秒后可重新获取）" in html
    assert 'name="purpose" value="register"' in html
    assert "<script" not in html and "style=" not in html
    assert SmsCode.objects.get().ip == "10.1.2.3"
    verify_sms_code(phone="13812345678", purpose="register", code=last_sms_code("13812345678"))


def test_refusals_come_back_as_the_chinese_message(client, db, django_capture_on_commit_callbacks):
    _key, response = _post(client, phone="12345")
    assert "手机号码格式不正确" in response.content.decode()
    _post(client)
    _key, response = _post(client)
    assert "验证码发送过于频繁，请60秒后再获取。" in response.content.decode()
    assert SmsCode.objects.count() == 1


def test_the_answer_does_not_tell_whether_an_account_uses_the_number(client, users):
    applicant = users["applicant"]
    applicant.phone = "13811112222"
    applicant.save(update_fields=["phone"])
    _k1, known = _post(client, phone="13811112222", purpose="reset_password")
    _k2, unknown = _post(client, phone="13933334444", purpose="reset_password")

    def without_keys(html: str) -> str:
        key = re.search(r'name="captcha_key" value="([^"]+)"', html).group(1)
        return html.replace(key, "KEY")

    assert without_keys(known.content.decode()) == without_keys(unknown.content.decode())
    assert SmsCode.objects.count() == 2


def test_sending_is_post_only(client, db):
    assert client.get(SEND).status_code == 405


@pytest.mark.parametrize("persona", ["hzadmin", "zjadmin", "auditor", "applicant"])
def test_others_cannot_read_the_outbox(persona, login, seeded):
    assert login(persona).get("/verification/outbox/").status_code == 403


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin"])
def test_system_and_security_admins_read_the_outbox(persona, login, seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(login(persona), phone="13812345678")
        _post(login(persona), phone="13912345678", purpose="change_phone")
    client = login(persona)
    response = client.get("/verification/outbox/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "短信发件箱" in html and 'href="/verification/outbox/"' in html  # the menu item
    assert "13812345678" in html and "13912345678" in html and "更换手机号" in html
    assert last_sms_code("13812345678") in html
    filtered = client.get("/verification/outbox/", {"phone": "1391"}).content.decode()
    assert "13912345678" in filtered and "13812345678" not in filtered


def test_the_sms_block_can_be_included_in_a_form(rf, db):
    from django.contrib.sessions.backends.db import SessionStore
    from django.template.loader import render_to_string

    from title_review.verification.captcha import captcha_context

    request = rf.get("/")
    request.session = SessionStore()
    html = render_to_string(
        "verification/_sms_send.html", {"purpose": "register", **captcha_context(request)}, request=request
    )
    assert 'hx-post="/verification/sms/send/"' in html
    assert 'hx-params="phone,purpose,captcha_key,captcha_answer"' in html
    assert "图形验证码" in html and "获取短信验证码" in html
