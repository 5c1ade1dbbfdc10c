"""Dictionary names in templates: records store codes (申报专业 0402), people read names (内科学)."""

from collections.abc import Iterable
from typing import Any

from django import template

from title_review.dictionaries.selectors import entry_names as _entry_names

register = template.Library()


@register.filter
def entry_name(code: Any, type_code: str) -> str:
    """`{{ data.specialty|entry_name:"specialty" }}`: the name of one code (one query; for one record per
    page), or the code itself when the table does not know it."""
    code = str(code or "")
    return _entry_names(type_code, [code]).get(code, code)


@register.simple_tag
def entry_names(type_code: str, rows: Iterable[Any], attribute: str) -> dict[str, str]:
    """`{% entry_names "specialty" declarations "specialty" as names %}`: the names of the codes that
    `rows` hold in `attribute`, in one query for the whole list."""
    return _entry_names(type_code, (str(getattr(row, attribute, "") or "") for row in rows))
