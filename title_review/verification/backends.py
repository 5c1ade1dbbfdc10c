"""Where SMS messages go: settings.SMS_BACKEND names a dotted path to an SmsBackend subclass.

The default, OutboxBackend, delivers nothing: it writes each message into the 短信发件箱
(SmsMessage) that system and security administrators read at /verification/outbox/ — in development
and tests only: a system check refuses it without DEBUG (checks.py), and production settings have no
default at all. HttpGatewayBackend posts each message to a provincial SMS gateway; a provider with its
own protocol subclasses SmsBackend and implements `send`.
"""

import json
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .models import SmsMessage

DEFAULT_SMS_BACKEND = "title_review.verification.backends.OutboxBackend"


class SmsBackend:
    """Delivers one text message. Called after the transaction that created it has committed."""

    def send(self, phone: str, text: str, purpose: str) -> None:
        raise NotImplementedError


class OutboxBackend(SmsBackend):
    """Development and test backend: keeps the message in the outbox table instead of sending it."""

    def send(self, phone: str, text: str, purpose: str) -> None:
        SmsMessage.objects.create(phone=phone, text=text, purpose=purpose)


class HttpGatewayBackend(SmsBackend):
    """Posts {"phone", "text", "purpose"} as JSON to settings.SMS_GATEWAY_URL (https), with
    `Authorization: Bearer <SMS_GATEWAY_TOKEN>` when a token is set. Government SMS platforms and the
    big providers' relay services take a message this way; the provider-specific templates stay on
    the gateway's side. Anything but a 2xx answer raises (the caller logs it without the number)."""

    def send(self, phone: str, text: str, purpose: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "purpose": purpose}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        token = getattr(settings, "SMS_GATEWAY_TOKEN", "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # The address is the operator's setting, checked to be https:// by checks.py in production.
        url = str(getattr(settings, "SMS_GATEWAY_URL", ""))
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        timeout = float(getattr(settings, "SMS_GATEWAY_TIMEOUT", 5))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered HTTP {response.status}")


def backend_path() -> str:
    return str(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))


def backend_class() -> type[SmsBackend]:
    cls = import_string(backend_path())
    if not (isinstance(cls, type) and issubclass(cls, SmsBackend)):
        raise TypeError("SMS_BACKEND must name a subclass of title_review.verification.backends.SmsBackend")
    return cls


def get_backend() -> SmsBackend:
    return backend_class()()


def uses_outbox() -> bool:
    """Whether messages stay in the outbox (development) rather than going to a provider."""
    return issubclass(backend_class(), OutboxBackend)


def outbox_may_be_read() -> bool:
    """Whether the 短信发件箱 page may show messages: only when messages go to the outbox AND this is a
    development installation (DEBUG) or the test suite (SMS_OUTBOX_IN_TESTS, set in config.settings.test
    only, because the suite runs with DEBUG off). Anywhere else the page does not exist."""
    if not (settings.DEBUG or getattr(settings, "SMS_OUTBOX_IN_TESTS", False)):
        return False
    return uses_outbox()
