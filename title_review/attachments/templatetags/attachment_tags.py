"""{% attachment_upload "photo" attachment=… field="photo" target=declaration %}: the upload block."""

from typing import Any

from django import template

from ..blocks import block_context
from ..types import get_type

register = template.Library()


@register.inclusion_tag("attachments/_upload.html", takes_context=True)
def attachment_upload(
    context: template.Context, kind: str, attachment: Any = None, field: str = "", target: Any = None
) -> dict[str, Any]:
    result = block_context(get_type(kind), attachment=attachment, field=field, target=target)
    result["csrf_token"] = context.get("csrf_token")
    return result
