"""Production logs are JSON lines without personal data (issue 16 point 3, ADR 0035)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from title_review.core.logs import PersonalDataFilter, mask_personal_data

ROOT = Path(__file__).resolve().parents[3]
IDENTITY = "330106199001011234"
MOBILE = "13812345678"


def test_identity_and_mobile_numbers_are_masked_but_other_numbers_stay():
    text = f"用户 {IDENTITY} 手机{MOBILE}，证件 33010619900101123X；订单 2026120412345678901234；ID{IDENTITY}"
    masked = mask_personal_data(text)
    assert IDENTITY not in masked and MOBILE not in masked and "33010619900101123X" not in masked
    assert "330106********1234" in masked and "138****5678" in masked and "330106********123X" in masked
    assert "2026120412345678901234" in masked  # a longer run of digits is not an identity number
    assert "ID330106********1234" in masked


def test_the_filter_masks_arguments_and_exception_text_and_keeps_every_record():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "登录失败：%s，%s", (IDENTITY, MOBILE), None)
    try:
        raise ValueError(f"bad {IDENTITY}")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "登录失败：330106********1234，138****5678"
    assert IDENTITY not in record.exc_text and "ValueError" in record.exc_text


@pytest.mark.ci_on_postgresql
def test_production_settings_write_json_lines_without_personal_data():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="zc.example.gov.cn",
        DJANGO_SMS_BACKEND="title_review.verification.backends.HttpGatewayBackend",
        DJANGO_SMS_GATEWAY_URL="https://sms.example.gov.cn/send",
        DJANGO_REDIS_URL="redis://127.0.0.1:6379/1",
    )
    code = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('title_review.accounts').warning('重置密码：%s %s', '{IDENTITY}', '{MOBILE}')"
    )
    done = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "重置密码" in line]
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "title_review.accounts" and entry["time"]
    assert entry["message"] == "重置密码：330106********1234 138****5678"
    assert IDENTITY not in done.stderr and MOBILE not in done.stderr
