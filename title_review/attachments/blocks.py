"""The context of the upload block (attachments/_upload.html), shared by the template tag and the views."""

import re
from typing import Any

from django.db import models

from title_review.access.attachments import target_key

from .models import Attachment
from .types import AttachmentType

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")


def field_name(value: str, kind: str) -> str:
    """The name of the hidden input that carries the attachment id into the page's form."""
    return value if _FIELD_NAME.match(value or "") else f"{kind}_attachment"


def block_context(
    attachment_type: AttachmentType,
    *,
    attachment: Attachment | None = None,
    field: str = "",
    target: models.Model | str | None = None,
    error: str = "",
) -> dict[str, Any]:
    if isinstance(target, models.Model):
        target = target_key(target)
    return {
        "kind": attachment_type.code,
        "label": attachment_type.label,
        "accept": attachment_type.accept,
        "hint": attachment_type.hint,
        "attachment": attachment,
        "field": field_name(field, attachment_type.code),
        "target": target or "",
        "error": error,
    }
