"""修改密码 and 更换手机号码 ask for the current password: five wrong ones lock them for 30 minutes."""

import pytest
from django.urls import reverse

from title_review.accounts.models import User

pytestmark = pytest.mark.django_db


def _change(client, old):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": "Nw@2026pass", "new_password_confirm": "Nw@2026pass"},
    )


def test_five_wrong_current_passwords_lock_the_password_change(login, users):
    client = login("hzcheck")
    for _ in range(5):
        assert "原密码不正确" in _change(client, "Wrong@2026x").content.decode()
    locked = _change(client, "Demo@2026").content.decode()
    assert "原密码输错次数过多" in locked
    assert User.objects.get(username="hzcheck").check_password("Demo@2026")  # nothing changed
    # The phone change shares the count: the same person, the same password.
    response = client.post(
        reverse("accounts:change_phone"), {"password": "Demo@2026", "phone": "13912340000", "sms_code": "123456"}
    )
    assert "登录密码输错次数过多" in response.content.decode()


def test_a_right_password_before_the_limit_resets_the_count(login):
    client = login("hzcheck")
    for _ in range(4):
        _change(client, "Wrong@2026x")
    response = _change(client, "Demo@2026")
    assert response.status_code == 302
    assert User.objects.get(username="hzcheck").check_password("Nw@2026pass")
