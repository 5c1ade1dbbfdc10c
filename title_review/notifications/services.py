"""Writes of 站内信: sending (with optional SMS and e-mail copies) and marking read.

Copies by SMS and e-mail leave only after the caller's transaction commits (transaction.on_commit),
so a rolled-back action sends nothing. A failing SMS provider or mail server is logged and never
raised: the committed action must not turn into an error page. As in verification.services, no
phone number, e-mail address or message text is passed to Python logging.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import personal
from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.verification.backends import backend_path, get_backend
from title_review.verification.services import clean_phone

from .models import Message, MessageCategory

logger = logging.getLogger(__name__)

SMS_PREFIX = "【职称评审】"
SMS_BODY_CHARS = 60
EMAIL_SUBJECT_PREFIX = "[职称评审] "
EMAIL_FOOTER = "\n\n请登录职称评审管理信息系统，在“站内信”中查看详情。"


@dataclass(frozen=True)
class _Copy:
    """One SMS or e-mail to send after commit. `user_id` is what the log may name."""

    user_id: int
    address: str


def sms_text(title: str, body: str) -> str:
    """【职称评审】title：the first SMS_BODY_CHARS characters of the body (one line)."""
    short = " ".join(body.split())
    if len(short) > SMS_BODY_CHARS:
        short = short[: SMS_BODY_CHARS - 1] + "…"
    return f"{SMS_PREFIX}{title}" + (f"：{short}" if short else "")


def _mobile(user: User) -> str:
    """The user's mainland mobile number, or "" (no number, or a landline such as 0571-88888888)."""
    try:
        return clean_phone(user.phone or "")
    except DomainError:
        return ""


def _deliver_sms(backend: str, copies: list[_Copy], text: str) -> None:
    """Runs after commit. Each number on its own: one failure does not stop the others."""
    try:
        sender = get_backend()
    except Exception as exc:  # a misconfigured SMS_BACKEND must not break the committed request
        logger.error("SMS backend %s could not be loaded (%s)", backend, type(exc).__name__)
        return
    for copy in copies:
        try:
            sender.send(copy.address, text, "")
        except Exception as exc:  # any provider failure is logged and swallowed
            logger.error(
                "SMS backend %s failed to deliver a notification to user %s (%s)",
                backend,
                copy.user_id,
                type(exc).__name__,
            )


def _deliver_email(copies: list[_Copy], subject: str, text: str) -> None:
    """Runs after commit. One mail per recipient, so that no one sees another's address."""
    for copy in copies:
        try:
            send_mail(subject, text, None, [copy.address], fail_silently=False)
        except Exception as exc:  # any mail server failure is logged and swallowed
            logger.error("E-mail notification to user %s failed (%s)", copy.user_id, type(exc).__name__)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str,
    link: str = "",
    category: str = "notice",
    sms: bool = False,
    email: bool = False,
) -> list[Message]:
    """Send a 站内信 to each recipient (once per user, however often listed); returns the new rows.

    The rows are written in the caller's transaction. With `sms`, active users with a mainland mobile
    number also get 【职称评审】title：short body by the configured SMS backend (settings.SMS_BACKEND);
    with `email`, active users with an e-mail address get the title and body by django.core.mail.
    Both leave only after the outermost transaction commits. `link` is a path on this site
    ("/declarations/12/"); anything else is never followed by the inbox. `category` is one of
    MessageCategory (return, accept, deadline, notice).
    """
    title = (title or "").strip()
    if not title:
        raise ValueError("a notification needs a title")
    if category not in MessageCategory.values:
        raise ValueError(f"unknown notification category {category!r}; add it to MessageCategory")
    link = (link or "").strip()
    body = body or ""
    unique = list({user.pk: user for user in recipients}.values())
    if not unique:
        return []
    now = timezone.now()
    messages = Message.objects.bulk_create(
        [
            Message(recipient=user, title=title, body=body, link=link, category=category, created_at=now)
            for user in unique
        ]
    )
    active = [user for user in unique if user.is_active]
    if sms:
        phones = [_Copy(user.pk, phone) for user in active if (phone := _mobile(user))]
        if phones:
            transaction.on_commit(partial(_deliver_sms, backend_path(), phones, sms_text(title, body)))
    if email:
        addresses = [_Copy(user.pk, user.email.strip()) for user in active if (user.email or "").strip()]
        if addresses:
            text = body + EMAIL_FOOTER
            transaction.on_commit(partial(_deliver_email, addresses, EMAIL_SUBJECT_PREFIX + title, text))
    return messages


@transaction.atomic
def mark_read(*, user: Any, message_id: int) -> Message:
    """Mark one of the user's own messages read (already read: unchanged). Another user's id: 404."""
    message = personal.messages.visible(user, personal.OWN).select_for_update().filter(pk=message_id).first()
    if message is None:
        raise Http404
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def mark_all_read(*, user: Any) -> int:
    """Mark every unread message of the user read; returns how many were unread."""
    return Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
