"""Lockout after 5 failures for 30 minutes keyed on login name + IP; captcha after 3."""

from datetime import timedelta

from django.utils import timezone

from title_review.audit.models import LoginEvent
from title_review.verification.testing import captcha_answer


def _fail(client, username="hzadmin", ip="10.0.0.1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": "wrong", **extra}, REMOTE_ADDR=ip)


def test_captcha_appears_after_three_failures(client, seeded):
    for _ in range(2):
        assert not _fail(client).context.get("captcha_key")
    response = _fail(client)
    assert response.context.get("captcha_key")
    # Without the captcha even the right password is refused.
    response = client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.1")
    assert "图形验证码不正确" in response.content.decode()
    key = response.context["captcha_key"]
    response = client.post(
        "/accounts/login/",
        {
            "username": "hzadmin",
            "password": "Demo@2026",
            "captcha_key": key,
            "captcha_answer": captcha_answer(client, key),
        },
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302


def test_five_failures_lock_that_name_from_that_address_only(client, seeded):
    for _ in range(5):
        _fail(client, ip="10.0.0.9", captcha_key="x", captcha_answer="x")
    response = client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.9")
    text = response.content.decode()
    assert "临时锁定" in text and response.status_code == 200
    # The owner signing in from elsewhere is not locked out.
    other = client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.10")
    assert other.status_code == 302
    assert LoginEvent.objects.filter(event="login_locked", ip="10.0.0.9").exists()


def test_lock_lifts_after_thirty_minutes(client, seeded):
    for _ in range(5):
        _fail(client, ip="10.0.0.7", captcha_key="x", captcha_answer="x")
    # Make every recorded failure 31 minutes old (the audit table itself is append-only on PostgreSQL,
    # so the clock moves instead of the rows).
    later = timezone.now() + timedelta(minutes=31)
    from unittest import mock

    with mock.patch("title_review.accounts.security.timezone.now", return_value=later):
        response = client.post(
            "/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.7"
        )
    assert response.status_code == 302


def test_unknown_account_and_wrong_password_look_the_same(client, seeded):
    a = _fail(client, username="hzadmin", ip="10.0.0.2").content.decode()
    b = _fail(client, username="nobody", ip="10.0.0.3").content.decode()
    assert "登录名或密码不正确" in a and "登录名或密码不正确" in b


def test_a_new_session_key_at_login(client, seeded):
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "attackerchosen"
    client.post("/accounts/login/", {"username": "hzadmin", "password": "Demo@2026"})
    assert client.cookies["sessionid"].value != "attackerchosen"


def test_disabled_account_session_ends_at_once(client, users):
    client.force_login(users["schooladmin"])
    assert client.get("/").status_code == 200
    users["schooladmin"].is_active = False
    users["schooladmin"].save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_other_spellings_of_one_account_share_its_count(client, seeded):
    for typed in (" hzadmin", "HZADMIN", "hzadmin ", "HzAdmin", "hzadmin"):
        _fail(client, username=typed, ip="10.0.0.5", captcha_key="x", captcha_answer="x")
    for typed in ("hzadmin", " HZADMIN "):
        response = client.post("/accounts/login/", {"username": typed, "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.5")
        assert "临时锁定" in response.content.decode(), typed


def test_mobile_and_identity_number_count_for_the_same_person(client, seeded):
    for typed in ("13800000001", "330106199003071236", "13800000001", "330106199003071236", "applicant"):
        _fail(client, username=typed, ip="10.0.0.6", captcha_key="x", captcha_answer="x")
    response = client.post(
        "/accounts/login/", {"username": "13800000001", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.6"
    )
    assert "临时锁定" in response.content.decode()
