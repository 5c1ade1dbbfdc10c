"""Test helpers ONLY: never import this module from application code.

captcha_answer reads a captcha's answer straight from the server-side session; last_sms_code reads
the code out of the development outbox (SmsMessage). The outbox is written after the transaction
commits, so test-client tests wrap the sending request in pytest-django's
`django_capture_on_commit_callbacks(execute=True)`; browser tests (live server) need nothing.
"""

import re
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from .captcha import SESSION_KEY
from .models import SmsMessage


def _session_of(client_or_session: Any) -> SessionBase:
    if isinstance(client_or_session, SessionBase):
        return client_or_session
    if isinstance(client_or_session, str):
        # A browser test passes the value of the session cookie (settings.SESSION_COOKIE_NAME).
        engine = import_module(settings.SESSION_ENGINE)
        return engine.SessionStore(session_key=client_or_session)  # type: ignore[no-any-return]  # engine module
    session = getattr(client_or_session, "session", None)  # the Django test client
    if isinstance(session, SessionBase):
        return session
    raise TypeError("pass a Django test client, a session, or a session cookie value")


def captcha_answer(client_or_session: Any, key: str) -> str:
    """The answer of pending captcha `key` in that session (raises KeyError when there is none)."""
    pending = _session_of(client_or_session).get(SESSION_KEY) or {}
    return str(pending[key][0])


def last_sms_code(phone: str, purpose: str | None = None) -> str:
    """The code in the newest outbox message to `phone` (optionally of one purpose)."""
    qs = SmsMessage.objects.filter(phone=phone)
    if purpose:
        qs = qs.filter(purpose=purpose)
    message = qs.order_by("-created_at", "-id").first()
    if message is None:
        raise LookupError("no SMS in the outbox for that number")
    found = re.search(r"验证码为(\d{6})", message.text)
    if found is None:
        raise LookupError("the newest SMS for that number carries no code")
    return found.group(1)
