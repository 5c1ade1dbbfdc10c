"""Login throttling (等保 三级): lockout after 5 failures in 30 minutes, captcha after 3.

Both are keyed on the login name typed *and* the client IP, so nobody can lock another person out
from a different address. The count lives in accounts.LoginAttempts (ADR 0019): each attempt reserves
its place there *before* its password is checked, in one conditional UPDATE, so attempts that arrive
at the same moment cannot all read "4 failures so far" and all go on to a password check. A success
resets the count. The 登录日志 (audit.LoginEvent) records every attempt, as before.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from title_review.core.identity import mask_identity

from .backends import find_account
from .models import LoginAttempts

LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 30
CAPTCHA_AFTER = 3


def login_key(typed: str) -> str:
    """The name attempts are counted under: the account's own login name when the typed text finds one
    (by login name in any case, mobile or identity number), else the typed text, trimmed and lower-cased.
    So every spelling of one account shares one count."""

    typed = (typed or "").strip()
    account = find_account(typed)
    if account is not None:
        return account.username
    # An unknown number is kept masked: identity numbers never reach the 登录日志 in full.
    if sum(c.isdigit() for c in typed) >= 11:
        return mask_identity(typed.upper())
    return typed.lower()


def _key(username: str, ip: str | None) -> str:
    return hashlib.sha256(f"{username[:150].lower()}\n{ip or ''}".encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """The outcome of reserve_attempt: `locked` (with minutes left), or the attempt's place in the window."""

    number: int
    locked: bool
    minutes_left: int

    @property
    def needs_captcha(self) -> bool:
        return self.number > CAPTCHA_AFTER

    @property
    def lockout_message(self) -> str:
        return f"登录失败次数过多，该账号在本机已临时锁定，请 {self.minutes_left} 分钟后再试。"


def _minutes_left(window_started_at: datetime, now: datetime) -> int:
    remaining = window_started_at + timedelta(minutes=LOCKOUT_MINUTES) - now
    return max(1, int(remaining.total_seconds() // 60) + 1)


def reserve_attempt(*, username: str, ip: str | None) -> Attempt:
    """Count one attempt for `username` from `ip` before its password is checked.

    The count is committed at once (the login view runs outside any transaction), so a concurrent
    attempt sees it. An attempt that finds LOCKOUT_FAILURES already counted in the window is refused
    without being counted; the caller must not check its password.
    """
    key = _key(username, ip)
    window = timedelta(minutes=LOCKOUT_MINUTES)
    now = timezone.now()
    # Rows idle for two windows are dropped, so the table holds only recent names and addresses.
    LoginAttempts.objects.filter(window_started_at__lt=now - 2 * window).exclude(key=key).delete()
    for _ in range(3):
        with transaction.atomic():
            LoginAttempts.objects.bulk_create(
                [LoginAttempts(key=key, attempts=0, window_started_at=now)], ignore_conflicts=True
            )
            # The row lock makes concurrent attempts of one name and address take their turn here,
            # each seeing the count the previous one left: at most LOCKOUT_FAILURES get through.
            row = LoginAttempts.objects.select_for_update().filter(key=key).first()
            if row is None:
                continue  # another attempt's clean-up took the row in between: start again
            if row.window_started_at <= now - window:
                row.attempts, row.window_started_at = 0, now
            if row.attempts >= LOCKOUT_FAILURES:
                return Attempt(number=row.attempts, locked=True, minutes_left=_minutes_left(row.window_started_at, now))
            row.attempts += 1
            row.save(update_fields=["attempts", "window_started_at"])
            return Attempt(number=row.attempts, locked=False, minutes_left=0)
    # The row vanished three times in a row: refuse rather than check a password uncounted.
    return Attempt(number=LOCKOUT_FAILURES, locked=True, minutes_left=LOCKOUT_MINUTES)


def succeeded(*, username: str, ip: str | None) -> None:
    """A right password resets the count of that name from that address."""
    LoginAttempts.objects.filter(key=_key(username, ip)).delete()


def needs_captcha(*, username: str, ip: str | None) -> bool:
    """Whether the *next* attempt of `username` from `ip` must carry a captcha (for showing the form)."""
    since = timezone.now() - timedelta(minutes=LOCKOUT_MINUTES)
    return LoginAttempts.objects.filter(
        key=_key(username, ip), window_started_at__gt=since, attempts__gte=CAPTCHA_AFTER
    ).exists()


# ---- Re-authentication inside a session (修改密码, 更换手机号码) -------------------------------------


def reauth_key(user: object) -> str:
    """Wrong current passwords typed while signed in count under their own name, apart from logins."""
    return f"reauth:{getattr(user, 'username', '')}"


def reauth_locked(*, user: object, ip: str | None) -> int:
    """Minutes left when LOCKOUT_FAILURES wrong current passwords were typed in the window, else 0."""
    now = timezone.now()
    row = LoginAttempts.objects.filter(
        key=_key(reauth_key(user), ip), window_started_at__gt=now - timedelta(minutes=LOCKOUT_MINUTES)
    ).first()
    if row is None or row.attempts < LOCKOUT_FAILURES:
        return 0
    return _minutes_left(row.window_started_at, now)


def reauth_failed(*, user: object, ip: str | None) -> None:
    reserve_attempt(username=reauth_key(user), ip=ip)


def reauth_succeeded(*, user: object, ip: str | None) -> None:
    succeeded(username=reauth_key(user), ip=ip)
