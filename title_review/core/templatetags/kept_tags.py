"""Inputs filled from a refused form's values (core.kept): nothing a person typed or ticked is lost.

    <textarea name="reason">{% kept_value "reason" "return" %}</textarea>
    <input name="due" value="{% kept_value "due" "correction" default=round.deadline %}">
    <input type="checkbox" name="pick" value="{{ row.pk }}"{% kept_checked "pick" row.pk "forward" %}>
    <option value="{{ p.pk }}"{% kept_selected "panel" p.pk "assign" %}>

The last argument names the form (the `form` given to core.kept.keep): a page with several forms fills only
the one that was refused. Values are escaped as any template value is.
"""

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from title_review.core.kept import NOTHING, Kept

register = template.Library()


def _kept(context: template.Context) -> Kept:
    found = context.get("kept")
    return found if isinstance(found, Kept) else NOTHING


@register.simple_tag(takes_context=True)
def kept_value(context: template.Context, name: str, form: str, default: Any = "") -> Any:
    """The refused form's value of `name`, or `default` when that form was not refused."""
    value = _kept(context).value(name, form)
    return default if value is None else value


@register.simple_tag(takes_context=True)
def kept_checked(context: template.Context, name: str, value: Any, form: str, default: bool = False) -> str:
    """' checked' when the refused form had `value` ticked under `name` (else as `default` says)."""
    values = _kept(context).values(name, form)
    ticked = default if values is None else str(value) in values
    return mark_safe(" checked") if ticked else ""  # noqa: S308 — a constant


@register.simple_tag(takes_context=True)
def kept_selected(context: template.Context, name: str, value: Any, form: str, default: bool = False) -> str:
    """' selected' when the refused form had `value` chosen under `name` (else as `default` says)."""
    values = _kept(context).values(name, form)
    chosen = default if values is None else str(value) in values
    return mark_safe(" selected") if chosen else ""  # noqa: S308 — a constant
