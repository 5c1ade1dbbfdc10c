"""Login throttling (等保 三级): lockout after 5 failures in 30 minutes, captcha after 3.

Both are keyed on the login name typed *and* the client IP, so nobody can lock another person out
from a different address. Failures are read from the 登录日志 (audit.LoginEvent), which records every
attempt anyway; a success resets the count.
"""

from datetime import timedelta

from django.utils import timezone

from title_review.audit.models import LoginEvent

LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 30
CAPTCHA_AFTER = 3


def login_key(typed: str) -> str:
    """The name attempts are counted under: the account's own login name when the typed text finds one
    (by login name in any case, mobile or identity number), else the typed text, trimmed and lower-cased.
    So every spelling of one account shares one count."""
    from title_review.core.identity import mask_identity

    from .backends import find_account

    typed = (typed or "").strip()
    account = find_account(typed)
    if account is not None:
        return account.username
    # An unknown number is kept masked: identity numbers never reach the 登录日志 in full.
    if sum(c.isdigit() for c in typed) >= 11:
        return mask_identity(typed.upper())
    return typed.lower()


def recent_failures(*, username: str, ip: str | None) -> tuple[int, timedelta]:
    """Failures since the last success within the window, and how long until the oldest expires."""
    now = timezone.now()
    since = now - timedelta(minutes=LOCKOUT_MINUTES)
    events = LoginEvent.objects.filter(username__iexact=username[:150], ip=ip, occurred_at__gte=since).order_by(
        "-occurred_at"
    )
    failures = []
    for event in events.values("success", "occurred_at")[: LOCKOUT_FAILURES + 1]:
        if event["success"]:
            break
        failures.append(event["occurred_at"])
    if not failures:
        return 0, timedelta(0)
    oldest_counted = failures[min(len(failures), LOCKOUT_FAILURES) - 1]
    return len(failures), oldest_counted + timedelta(minutes=LOCKOUT_MINUTES) - now


def lockout_message(*, username: str, ip: str | None) -> str:
    count, remaining = recent_failures(username=username, ip=ip)
    if count < LOCKOUT_FAILURES:
        return ""
    minutes = max(1, int(remaining.total_seconds() // 60) + 1)
    return f"登录失败次数过多，该账号在本机已临时锁定，请 {minutes} 分钟后再试。"


def needs_captcha(*, username: str, ip: str | None) -> bool:
    return recent_failures(username=username, ip=ip)[0] >= CAPTCHA_AFTER
