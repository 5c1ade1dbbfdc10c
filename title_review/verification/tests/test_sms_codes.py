"""SMS verification codes: issued with limits, sent after commit, stored hashed, accepted once."""

import hashlib
import re

import pytest
from django.db import transaction

from title_review.core.errors import DomainError
from title_review.verification import services
from title_review.verification.models import SmsCode, SmsMessage
from title_review.verification.policies import SMS_DAILY_LIMIT_PER_IP, SMS_DAILY_LIMIT_PER_PHONE
from title_review.verification.testing import last_sms_code

PHONE = "13812345678"


def _send(capture, phone=PHONE, purpose="register", ip="10.0.0.1"):
    with capture(execute=True):
        services.send_sms_code(phone=phone, purpose=purpose, ip=ip)
    return last_sms_code(phone, purpose)


def _refusal(**kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        services.send_sms_code(**kwargs)
    return caught.value.message


def _verify_error(phone=PHONE, purpose="register", code="") -> str:
    with pytest.raises(DomainError) as caught:
        services.verify_sms_code(phone=phone, purpose=purpose, code=code)
    return caught.value.message


def test_a_six_digit_code_arrives_in_the_outbox(db, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    assert re.fullmatch(r"\d{6}", code)
    message = SmsMessage.objects.get()
    assert (message.phone, message.purpose) == (PHONE, "register")
    assert message.text == f"【职称评审】您的验证码为{code}，10分钟内有效，请勿泄露给他人。"


def test_nothing_is_sent_until_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.send_sms_code(phone=PHONE, purpose="register", ip=None)
    assert len(callbacks) == 1
    assert not SmsMessage.objects.exists()


def test_the_code_is_stored_only_as_a_keyed_hash(db, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services.secrets, "randbelow", lambda _n: 4242)
    code = _send(django_capture_on_commit_callbacks)
    assert code == "004242"
    row = SmsCode.objects.values().get()
    assert re.fullmatch(r"[0-9a-f]{64}", row["code_hash"])
    assert row["code_hash"] != hashlib.sha256(code.encode()).hexdigest()  # keyed, not a bare digest
    for value in row.values():
        assert code not in str(value)


def test_a_code_is_accepted_once(db, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    services.verify_sms_code(phone=PHONE, purpose="register", code=f" {code} ")
    assert SmsCode.objects.get().used_at is not None
    assert _verify_error(code=code) == "短信验证码已失效，请重新获取。"


def test_no_code_at_all_reads_as_void(db):
    assert _verify_error(code="123456") == "短信验证码已失效，请重新获取。"


def test_a_wrong_code_is_refused_and_five_wrong_tries_void_the_code(db, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 5):
        assert _verify_error(code=wrong) == "短信验证码不正确。"
        assert SmsCode.objects.get().failed_attempts == attempt
    assert _verify_error(code="abc") == "验证码错误次数过多，请重新获取。"
    assert _verify_error(code=code) == "验证码错误次数过多，请重新获取。"


def test_an_empty_entry_asks_for_the_code_without_counting(db, django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks)
    assert _verify_error(code="  ") == "请输入短信验证码。"
    assert SmsCode.objects.get().failed_attempts == 0


def test_a_code_works_only_for_its_number_and_purpose(db, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    assert _verify_error(purpose="reset_password", code=code) == "短信验证码已失效，请重新获取。"
    assert _verify_error(phone="13912345678", code=code) == "短信验证码已失效，请重新获取。"
    services.verify_sms_code(phone=PHONE, purpose="register", code=code)


def test_a_code_expires_after_ten_minutes(db, clock, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    clock.advance(minutes=9, seconds=59)
    services.verify_sms_code(phone=PHONE, purpose="register", code=code)

    clock.advance(minutes=1)
    code = _send(django_capture_on_commit_callbacks)
    clock.advance(minutes=10)
    assert _verify_error(code=code) == "短信验证码已过期，请重新获取。"


def test_a_new_code_voids_the_previous_one(db, clock, django_capture_on_commit_callbacks):
    first = _send(django_capture_on_commit_callbacks)
    clock.advance(seconds=61)
    second = _send(django_capture_on_commit_callbacks)
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 1
    if first != second:
        assert _verify_error(code=first) == "短信验证码不正确。"
    services.verify_sms_code(phone=PHONE, purpose="register", code=second)


def test_one_code_per_number_and_purpose_every_60_seconds(db, clock):
    services.send_sms_code(phone=PHONE, purpose="register", ip=None)
    assert _refusal(phone=PHONE, purpose="register", ip=None) == "验证码发送过于频繁，请60秒后再获取。"
    clock.advance(seconds=59.5)
    assert _refusal(phone=PHONE, purpose="register", ip=None) == "验证码发送过于频繁，请1秒后再获取。"
    services.send_sms_code(phone=PHONE, purpose="reset_password", ip=None)  # another purpose is independent
    clock.advance(seconds=0.5)
    services.send_sms_code(phone=PHONE, purpose="register", ip=None)
    assert SmsCode.objects.count() == 3


def test_daily_cap_per_number(db, clock):
    for _ in range(SMS_DAILY_LIMIT_PER_PHONE):
        services.send_sms_code(phone=PHONE, purpose="register", ip=None)
        clock.advance(seconds=61)
    message = _refusal(phone=PHONE, purpose="change_phone", ip=None)
    assert message == "该手机号码今日获取验证码的次数已达上限，请明天再试。"
    clock.advance(hours=15)  # past midnight, Beijing time
    services.send_sms_code(phone=PHONE, purpose="register", ip=None)


def test_daily_cap_per_ip(db, clock):
    for n in range(SMS_DAILY_LIMIT_PER_IP):
        services.send_sms_code(phone=f"139{n:08d}", purpose="register", ip="10.9.8.7")
    message = _refusal(phone="13700000000", purpose="register", ip="10.9.8.7")
    assert message == "当前网络今日获取验证码的次数已达上限，请明天再试。"
    services.send_sms_code(phone="13700000000", purpose="register", ip="10.9.8.6")
    assert not SmsCode.objects.filter(phone="13700000000", ip="10.9.8.7").exists()


@pytest.mark.parametrize(
    "phone", ["", "1381234567", "138123456789", "12812345678", "23812345678", "138_1234_5678", "１３８１２３４５６７８"]
)
def test_only_mainland_mobile_numbers(db, phone):
    assert _refusal(phone=phone, purpose="register", ip=None).startswith("手机号码格式不正确")
    assert not SmsCode.objects.exists()


def test_unknown_purpose_is_refused(db):
    assert _refusal(phone=PHONE, purpose="login", ip=None) == "验证码用途不正确。"


def test_a_garbled_ip_is_ignored_not_stored(db):
    services.send_sms_code(phone=PHONE, purpose="register", ip="not-an-ip")
    assert SmsCode.objects.get().ip is None


def test_spaces_hyphens_and_plus86_are_dropped(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_sms_code(phone="+86 138-1234-5678", purpose="register", ip=None)
    assert SmsCode.objects.get().phone == PHONE
    services.verify_sms_code(phone="138 1234 5678", purpose="register", code=last_sms_code(PHONE))


def test_failed_attempts_count_even_when_the_callers_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    code = _send(django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(DomainError), transaction.atomic():
            services.verify_sms_code(phone=PHONE, purpose="register", code=wrong)
    assert SmsCode.objects.get().failed_attempts == 0  # rolled back with the caller's work
    assert _verify_error(code=code) == "验证码错误次数过多，请重新获取。"
