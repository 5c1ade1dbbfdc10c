"""Writes of SMS verification codes.

Privacy rule: no phone number and no code is ever passed to Python logging here, not even at
DEBUG level (verification/tests/test_logging.py checks it). Only the outbox table holds a code in clear, and
only while the development OutboxBackend is configured.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from title_review.core.cachesafe import CACHE_DOWN_MESSAGE, CACHE_ERRORS
from title_review.core.errors import DomainError

from . import policies
from .backends import backend_path, get_backend
from .models import SmsCode, SmsPurpose

logger = logging.getLogger(__name__)

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_CODE = re.compile(rf"[0-9]{{{policies.SMS_CODE_LENGTH}}}")

MESSAGE_TEMPLATE = "【职称评审】您的验证码为{code}，{minutes}分钟内有效，请勿泄露给他人。"


def clean_phone(phone: str) -> str:
    """The mainland mobile number in canonical form (11 ASCII digits), or DomainError.

    Spaces, hyphens and a leading +86 are dropped, as core.identity.normalise_mobile does.
    """
    value = re.sub(r"[\s-]", "", phone or "")
    if value.startswith("+86"):
        value = value[3:]
    if not _PHONE.fullmatch(value):
        raise DomainError("手机号码格式不正确，请输入11位手机号码。")
    return value


def _check_purpose(purpose: str) -> None:
    if purpose not in SmsPurpose.values:
        raise DomainError("验证码用途不正确。")


def _clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def _code_hash(phone: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY, bound to phone and purpose (a code for 注册 cannot reset a password)."""
    message = f"verification.sms:{phone}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _start_of_local_day(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def _deliver(backend: str, phone: str, text: str, purpose: str) -> None:
    """Runs after commit. A failing provider must not turn a committed request into an error page,
    and its exception text may quote the number: log only the exception type."""
    try:
        get_backend().send(phone, text, purpose)
    except Exception as exc:  # any provider failure is logged and swallowed
        logger.error("SMS backend %s failed to deliver a message (%s)", backend, type(exc).__name__)


@transaction.atomic
def send_sms_code(*, phone: str, purpose: str, ip: str | None) -> None:
    """Issue a fresh 6-digit code for `phone` and `purpose` and send it by SMS after commit.

    Refuses with a Chinese DomainError when the number is not a mainland mobile number, when a code
    for the same number and purpose was sent less than SMS_COOLDOWN_SECONDS ago, or when the daily
    cap of the number or of the client IP is reached. Older unused codes for the number and purpose
    are voided. The caller must have checked a captcha first, and must answer the same way whether
    or not an account uses this number.
    """
    phone = clean_phone(phone)
    _check_purpose(purpose)
    ip = _clean_ip(ip)
    now = timezone.now()

    # Lock the latest row of this number and purpose so that two concurrent requests queue up on
    # the cooldown check (PostgreSQL; SQLite serialises writers anyway).
    latest = (
        SmsCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose)
        .order_by("-created_at", "-id")
        .only("created_at")
        .first()
    )
    if latest is not None:
        elapsed = (now - latest.created_at).total_seconds()
        if elapsed < policies.SMS_COOLDOWN_SECONDS:
            wait = max(1, math.ceil(policies.SMS_COOLDOWN_SECONDS - elapsed))
            raise DomainError(f"验证码发送过于频繁，请{wait}秒后再获取。", code="sms_cooldown")

    day_start = _start_of_local_day(now)
    if SmsCode.objects.filter(phone=phone, created_at__gte=day_start).count() >= policies.SMS_DAILY_LIMIT_PER_PHONE:
        raise DomainError("该手机号码今日获取验证码的次数已达上限，请明天再试。", code="sms_daily_phone")
    if (
        ip is not None
        and SmsCode.objects.filter(ip=ip, created_at__gte=day_start).count() >= policies.SMS_DAILY_LIMIT_PER_IP
    ):
        raise DomainError("当前网络今日获取验证码的次数已达上限，请明天再试。", code="sms_daily_ip")

    SmsCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**policies.SMS_CODE_LENGTH):0{policies.SMS_CODE_LENGTH}d}"
    SmsCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_code_hash(phone, purpose, code),
        created_at=now,
        expires_at=now + timedelta(minutes=policies.SMS_CODE_VALID_MINUTES),
        ip=ip,
    )
    text = MESSAGE_TEMPLATE.format(code=code, minutes=policies.SMS_CODE_VALID_MINUTES)
    transaction.on_commit(partial(_deliver, backend_path(), phone, text, purpose))


def _failure_key(row: SmsCode) -> str:
    # The row id alone could be reused after a rollback (SQLite); the digest makes the key unique.
    return f"verification.sms_failures.{row.pk}.{row.code_hash[:20]}"


def _cached_failures(row: SmsCode) -> int:
    return int(cache.get(_failure_key(row), 0))


def _count_cached_failure(row: SmsCode) -> int:
    """Second failure counter, outside the database transaction.

    A caller that runs verify_sms_code inside its own atomic block rolls the failed_attempts
    increment back together with its other work when the DomainError propagates; the cache is not
    transactional, so the attempt still counts. With the default per-process LocMemCache the bound
    is per worker process; a shared cache (CACHES) makes it exact.
    """
    key = _failure_key(row)
    timeout = policies.SMS_CODE_VALID_MINUTES * 60 + 60
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def verify_sms_code(*, phone: str, purpose: str, code: str) -> None:
    """Accept `code` once for `phone` and `purpose`, or raise a Chinese DomainError.

    A wrong code counts a failed attempt; after SMS_MAX_FAILED_ATTEMPTS the code is void. The
    check-and-mark runs in its own transaction and the error is raised after it has committed, so
    that a failed attempt is counted. Best called BEFORE opening the transaction that acts on the
    verified number: inside a caller's atomic block that rolls back on the DomainError, the
    database counter is rolled back too and only the cache counter (see _count_cached_failure)
    keeps the bound. On success inside a caller's block that later rolls back, the code stays
    usable, so the user can correct another field and submit the same code again.
    """
    phone = clean_phone(phone)
    _check_purpose(purpose)
    error = _consume_sms_code(phone=phone, purpose=purpose, code=(code or "").strip())
    if error:
        raise DomainError(error, code="sms_code_invalid")


@transaction.atomic
def _consume_sms_code(*, phone: str, purpose: str, code: str) -> str:
    """Check and mark the latest code under a row lock; returns "" on success or the error text."""
    if not code:
        return "请输入短信验证码。"
    now = timezone.now()
    row = (
        SmsCode.objects.select_for_update().filter(phone=phone, purpose=purpose).order_by("-created_at", "-id").first()
    )
    if row is None or row.used_at is not None:
        return "短信验证码已失效，请重新获取。"
    # The cache counter is part of the bound: with the shared cache down, refuse (fail closed, ADR 0034).
    try:
        cached_failures = _cached_failures(row)
    except CACHE_ERRORS:
        return CACHE_DOWN_MESSAGE
    if max(row.failed_attempts, cached_failures) >= policies.SMS_MAX_FAILED_ATTEMPTS:
        return "验证码错误次数过多，请重新获取。"
    if row.expires_at <= now:
        return "短信验证码已过期，请重新获取。"
    candidate = _code_hash(phone, purpose, code) if _CODE.fullmatch(code) else ""
    if not hmac.compare_digest(row.code_hash, candidate):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        try:
            failures = max(row.failed_attempts, _count_cached_failure(row))
        except CACHE_ERRORS:
            return CACHE_DOWN_MESSAGE
        if failures >= policies.SMS_MAX_FAILED_ATTEMPTS:
            return "验证码错误次数过多，请重新获取。"
        return "短信验证码不正确。"
    row.used_at = now
    row.save(update_fields=["used_at"])
    return ""
