"""Where SMS messages go: settings.SMS_BACKEND names a dotted path to an SmsBackend subclass.

The default, OutboxBackend, delivers nothing: it writes each message into the 短信发件箱
(SmsMessage) that system and security administrators read at /verification/outbox/. A real
provider backend subclasses SmsBackend and implements `send`.
"""

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SMS_BACKEND = "title_review.verification.backends.OutboxBackend"


class SmsBackend:
    """Delivers one text message. Called after the transaction that created it has committed."""

    def send(self, phone: str, text: str, purpose: str) -> None:
        raise NotImplementedError


class OutboxBackend(SmsBackend):
    """Development and test backend: keeps the message in the outbox table instead of sending it."""

    def send(self, phone: str, text: str, purpose: str) -> None:
        from .models import SmsMessage

        SmsMessage.objects.create(phone=phone, text=text, purpose=purpose)


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
