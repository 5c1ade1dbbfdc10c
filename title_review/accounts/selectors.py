"""Reads of accounts shown elsewhere."""

from typing import Any

from title_review.dictionaries.models import Entry

BASIC_LABELS = (
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("administrative_post", "行政职务"),
    ("current_post", "现聘岗位"),
    ("work_started_on", "参加工作时间"),
)


def basic_information_of(person: Any) -> list[tuple[str, str]]:
    """A person's 基础信息 as (label, text) pairs, codes by their names: one query (none without codes)."""
    codes = [(t, getattr(person, t)) for t in ("ethnicity", "political_status") if getattr(person, t)]
    names: dict[tuple[str, str], str] = {}
    if codes:
        rows = Entry.objects.filter(type__code__in=[t for t, _ in codes], code__in=[c for _, c in codes])
        names = {(t, c): n for t, c, n in rows.values_list("type__code", "code", "name")}
    result = []
    for field, label in BASIC_LABELS:
        value = getattr(person, field)
        if field in ("ethnicity", "political_status"):
            text = names.get((field, value), value)
        elif field == "work_started_on":
            text = value.strftime("%Y-%m-%d") if value else ""
        else:
            text = value
        result.append((label, text or ""))
    return result
