"""Reads of 站内信: a user only ever reads their own."""

from typing import Any

from django.db.models import QuerySet

from title_review.access import personal

from .models import Message


def messages_for(user: Any, *, unread_only: bool = False) -> QuerySet[Message]:
    """The user's own messages, newest first (none for an anonymous user)."""
    qs = personal.messages.visible(user, personal.OWN)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's messages are unread: one COUNT on the (recipient, read_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
