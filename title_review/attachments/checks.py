"""System check: ATTACHMENT_LIMITS names only known types and gives each a positive byte count."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .types import ATTACHMENT_TYPES


@register()
def check_attachment_limits(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    limits = getattr(settings, "ATTACHMENT_LIMITS", None)
    if limits is None:
        return []
    if not isinstance(limits, dict):
        return [Error("ATTACHMENT_LIMITS must be a dict of type code → bytes.", id="attachments.E001")]
    errors = []
    for code, value in limits.items():
        if code not in ATTACHMENT_TYPES:
            errors.append(
                Error(
                    f"ATTACHMENT_LIMITS names an unknown attachment type {code!r}.",
                    hint=f"Known types: {', '.join(ATTACHMENT_TYPES)}.",
                    id="attachments.E002",
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            errors.append(
                Error(f"ATTACHMENT_LIMITS[{code!r}] must be a positive number of bytes.", id="attachments.E003")
            )
    return errors
