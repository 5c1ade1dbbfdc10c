"""A client cannot choose its own IP by header: lockout, captcha and the logs use the real peer (ADR 0019)."""

from title_review.audit.models import AuditEvent, LoginEvent
from title_review.verification.models import SmsCode
from title_review.verification.testing import captcha_answer

REAL = "198.51.100.77"


def _forged(n: int) -> dict[str, str]:
    return {
        "HTTP_X_REAL_IP": f"10.9.{n // 250}.{n % 250 + 1}",
        "HTTP_X_FORWARDED_FOR": f"172.16.{n // 250}.{n % 250 + 1}",
    }


def _login(client, password: str, n: int):
    return client.post(
        "/accounts/login/", {"username": "hzadmin", "password": password}, REMOTE_ADDR=REAL, **_forged(n)
    )


def test_rotating_headers_do_not_put_off_the_captcha(client, seeded):
    for n in range(3):
        _login(client, "wrong", n)
    response = _login(client, "Demo@2026", 3)
    assert "图形验证码不正确" in response.content.decode() and response.status_code == 200


def test_rotating_headers_do_not_lift_the_lockout(client, seeded):
    for n in range(25):
        _login(client, "wrong", n)
    response = _login(client, "Demo@2026", 25)
    assert "临时锁定" in response.content.decode() and response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_login_log_and_the_audit_log_show_the_real_peer(client, seeded):
    _login(client, "wrong", 1)
    _login(client, "Demo@2026", 2)
    assert set(LoginEvent.objects.values_list("ip", flat=True)) == {REAL}
    client.post("/accounts/profile/", {"email": "hz@example.com"}, REMOTE_ADDR=REAL, **_forged(3))
    assert AuditEvent.objects.get(action="account.profile_change").ip == REAL


def test_the_sms_per_ip_cap_counts_the_real_peer(client, db, django_capture_on_commit_callbacks):
    response = client.get("/verification/captcha/new/")
    key = response.content.decode().split('name="captcha_key" value="')[1].split('"')[0]
    data = {"phone": "13812345678", "purpose": "register", "captcha_key": key}
    data["captcha_answer"] = captcha_answer(client, key)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/verification/sms/send/", data, REMOTE_ADDR=REAL, **_forged(1))
    assert SmsCode.objects.get().ip == REAL


def test_behind_a_trusted_proxy_the_forwarded_client_is_logged_and_locked(client, seeded, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "hzadmin", "password": "wrong", "captcha_key": "x", "captcha_answer": "x"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
            **proxy,
        )
    assert set(LoginEvent.objects.values_list("ip", flat=True)) == {"198.51.100.1"}
    locked = client.post(
        "/accounts/login/",
        {"username": "hzadmin", "password": "Demo@2026"},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        **proxy,
    )
    assert "临时锁定" in locked.content.decode()
    # Another client behind the same proxy is somebody else.
    other = client.post(
        "/accounts/login/",
        {"username": "hzadmin", "password": "Demo@2026"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        **proxy,
    )
    assert other.status_code == 302
