from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


def _show(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "—"
    return str(value)


@register.filter
def change_summary(event: Any) -> str:
    """Before/after of an audit row as short "field: old → new" lines (only what changed)."""
    before = event.before or {}
    after = event.after or {}
    parts = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old != new:
                parts.append(f"{key}: {_show(old)} → {_show(new)}")
        elif key in after:
            parts.append(f"{key}: {_show(new)}")
        else:
            parts.append(f"{key}: {_show(old)} → (删除)")
    return "；".join(parts)
