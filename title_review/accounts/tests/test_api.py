"""The same rules through the API: each bad input gets its Chinese message and names its field."""

import pytest

from title_review.accounts.models import User
from title_review.accounts.services import AGREEMENT_VERSION
from title_review.verification.services import send_sms_code
from title_review.verification.testing import last_sms_code


def _code(phone, purpose, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_sms_code(phone=phone, purpose=purpose, ip="127.0.0.1")
    return last_sms_code(phone, purpose)


def _body(**overrides):
    body = {
        "real_name": "赵接口",
        "id_type": "01",
        "id_number": "11010519491231002x",
        "phone": "13612345678",
        "sms_code": "",
        "password": "Api@2026xyz",
        "agreement_version": AGREEMENT_VERSION,
    }
    body.update(overrides)
    return body


def test_register_through_the_api(client, seeded, django_capture_on_commit_callbacks):
    code = _code("13612345678", "register", django_capture_on_commit_callbacks)
    response = client.post("/api/v1/accounts/register/", _body(sms_code=code), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["sex"] == "女"
    assert User.objects.get(phone="13612345678").id_number == "11010519491231002X"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "校验位不正确"),
        ({"id_number": "110105491231002"}, "id_number", "15 位"),
        ({"password": "weakpass"}, "password", "至少 8 位"),
        ({"sms_code": "000000"}, "sms_code", "短信验证码不正确"),
        ({"agreement_version": "2020-01"}, "agreement_version", "协议"),
    ],
)
def test_bad_input_through_the_api(client, seeded, django_capture_on_commit_callbacks, overrides, field, message):
    code = _code("13612345678", "register", django_capture_on_commit_callbacks)
    response = client.post(
        "/api/v1/accounts/register/", _body(**{"sms_code": code, **overrides}), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert message in body["message"] and body["field"] == field
    assert not User.objects.filter(phone="13612345678").exists()


def test_expired_and_reused_codes_through_the_api(client, seeded, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from title_review.verification.models import SmsCode

    code = _code("13612345678", "register", django_capture_on_commit_callbacks)
    SmsCode.objects.filter(phone="13612345678").update(expires_at=timezone.now())
    response = client.post("/api/v1/accounts/register/", _body(sms_code=code), content_type="application/json")
    assert "已过期" in response.json()["message"]


def test_password_reset_through_the_api(client, users, django_capture_on_commit_callbacks):
    code = _code("13800000001", "reset_password", django_capture_on_commit_callbacks)
    response = client.post(
        "/api/v1/accounts/password-reset/",
        {"phone": "13800000001", "sms_code": code, "new_password": "Api@reset2026"},
        content_type="application/json",
    )
    assert response.status_code == 204
    response = client.post(
        "/api/v1/accounts/password-reset/",
        {"phone": "13800000001", "sms_code": code, "new_password": "Api@reset2026"},
        content_type="application/json",
    )
    assert "已失效" in response.json()["message"]


def test_sub_accounts_through_the_api(login, users):
    client = login("hospitaladmin")
    response = client.post(
        "/api/v1/employer/sub-accounts/",
        {"username": "药剂科", "permissions": ["view"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "username"
    response = client.post(
        "/api/v1/employer/sub-accounts/", {"count": 3, "permissions": ["fill", "view"]}, content_type="application/json"
    )
    assert [a["username"] for a in response.json()] == ["hospitaladmin1", "hospitaladmin2", "hospitaladmin3"]
    first = response.json()[0]
    response = client.post(
        f"/api/v1/employer/sub-accounts/{first['id']}/", {"action": "disable"}, content_type="application/json"
    )
    assert response.json()["is_active"] is False
    assert login("schooladmin").get("/api/v1/employer/sub-accounts/").json() == []
    other = login("schooladmin").post(
        f"/api/v1/employer/sub-accounts/{first['id']}/", {"action": "enable"}, content_type="application/json"
    )
    assert other.status_code == 404
