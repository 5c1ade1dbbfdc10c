"""Neither a phone number nor a code may reach Python logging, at any level."""

import logging

import pytest

from title_review.core.errors import DomainError
from title_review.verification.backends import SmsBackend
from title_review.verification.services import send_sms_code, verify_sms_code
from title_review.verification.testing import captcha_answer, last_sms_code

PHONE = "13876543210"


class BrokenBackend(SmsBackend):
    def send(self, phone: str, text: str, purpose: str) -> None:
        raise RuntimeError(f"provider rejected {phone}: {text}")


def test_no_phone_or_code_in_the_logs(client, login, seeded, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    client.get("/verification/captcha/new/")
    key = next(iter(client.session["verification.captcha"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/verification/sms/send/",
            {"phone": PHONE, "purpose": "register", "captcha_key": key, "captcha_answer": captcha_answer(client, key)},
        )
    code = last_sms_code(PHONE)
    with pytest.raises(DomainError):
        verify_sms_code(phone=PHONE, purpose="register", code="000000" if code != "000000" else "111111")
    verify_sms_code(phone=PHONE, purpose="register", code=code)
    login("sysadmin").get("/verification/outbox/", {"phone": PHONE})
    login("hzadmin").get("/verification/outbox/", {"phone": PHONE})  # a 403 is logged by django.request
    assert caplog.records, "the check would be empty without any log record"
    assert PHONE not in caplog.text and code not in caplog.text


def test_a_failing_provider_is_logged_without_the_number(db, settings, caplog, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.BrokenBackend"
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        send_sms_code(phone=PHONE, purpose="register", ip="10.0.0.1")
    assert "failed to deliver" in caplog.text and "RuntimeError" in caplog.text
    assert PHONE not in caplog.text and "验证码" not in caplog.text
