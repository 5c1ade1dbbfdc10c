"""列设置: the columns a person keeps on a staff list (reviews.lists), or back to the list's defaults."""

from typing import Any

from django.db import transaction

from title_review.core.errors import DomainError

from ..lists import LISTS
from ..models import ListColumns


def save_columns(*, actor: Any, list_key: str, columns: list[str]) -> list[str]:
    """Keep the chosen columns of one list for `actor`, in the list's own order; unknown keys are refused."""
    definition = LISTS.get(list_key)
    if definition is None:
        raise DomainError("未知的列表，请刷新后重试。")
    chosen = set(columns)
    unknown = chosen - set(definition.keys)
    if unknown:
        raise DomainError("列设置中有本列表没有的列，请刷新后重试。")
    kept = [key for key in definition.keys if key in chosen]
    if not kept:
        raise DomainError("请至少保留一列。")
    with transaction.atomic():
        ListColumns.objects.update_or_create(user=actor, list_key=list_key, defaults={"columns": kept})
    return kept


def reset_columns(*, actor: Any, list_key: str) -> None:
    """恢复默认: forget the person's choice for one list."""
    if list_key not in LISTS:
        raise DomainError("未知的列表，请刷新后重试。")
    ListColumns.objects.filter(user=actor, list_key=list_key).delete()
