from typing import Any

from django import template
from django.urls import reverse

from title_review.access.policies import has_capability
from title_review.core.params import to_id

from ..lists import FILTER_KEYS
from ..services import inline_max_rows

register = template.Library()


@register.inclusion_tag("exports/_button.html", takes_context=True)
def export_button(context: dict[str, Any], url_name: str, round_summary: bool = False) -> dict[str, Any]:
    """导出汇总表: a form carrying the page's current filters; the full-number option for identity.full."""
    request = context["request"]
    params = request.GET
    round_id = to_id(params.get("round"))
    show_round = round_summary and round_id is not None and has_capability(request.user, "review.inbox")
    return {
        "action": reverse(url_name),
        "filters": [(key, value) for key in FILTER_KEYS for value in params.getlist(key) if value],
        "may_full": has_capability(request.user, "identity.full"),
        "round_action": reverse("exports:round", args=[round_id]) if show_round else "",
        "csrf_token": context.get("csrf_token"),
        "key": url_name.replace(":", "-"),
        "inline_max": inline_max_rows(),
    }
