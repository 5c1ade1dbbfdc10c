"""站内信: one row per recipient. SMS and e-mail copies are sent by services.notify after commit."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class MessageCategory(models.TextChoices):
    RETURN = "return", _("退回")
    ACCEPT = "accept", _("受理")
    DEADLINE = "deadline", _("截止提醒")
    NOTICE = "notice", _("通知")


def is_safe_link(link: str) -> bool:
    """A path on this site ("/declarations/12/"), never another host ("//evil.example", "https://…")."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=set(), require_https=False)
    )


class Message(models.Model):
    # The (recipient, read_at) index serves the unread badge and the 未读 filter, and its first
    # column serves every per-recipient lookup, so the foreign key needs no index of its own.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        verbose_name=_("收信人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, default="")
    link = models.CharField(_("链接"), max_length=500, blank=True, default="")
    category = models.CharField(
        _("类别"), max_length=20, choices=MessageCategory.choices, default=MessageCategory.NOTICE
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内信")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_message_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_message_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def safe_link(self) -> str:
        """The link when it is a path on this site, else "" (the inbox is shown instead)."""
        return self.link if is_safe_link(self.link) else ""
