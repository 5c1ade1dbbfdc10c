"""Reads of accounts shown elsewhere."""

from typing import Any

from title_review.dictionaries import cached

BASIC_LABELS = (
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("administrative_post", "行政职务"),
    ("current_post", "现聘岗位"),
    ("work_started_on", "参加工作时间"),
)


def basic_information_of(person: Any) -> list[tuple[str, str]]:
    """A person's 基础信息 as (label, text) pairs, codes by their names: the code tables as this worker last
    read them (ADR 0049), one row read while they are unchanged, none without codes."""
    coded = [t for t in ("ethnicity", "political_status") if getattr(person, t)]
    tables = cached.tables(*coded) if coded else {}
    result = []
    for field, label in BASIC_LABELS:
        value = getattr(person, field)
        if field in ("ethnicity", "political_status"):
            entry = tables[field].by_code.get(value) if value else None
            text = entry.name if entry else value
        elif field == "work_started_on":
            text = value.strftime("%Y-%m-%d") if value else ""
        else:
            text = value
        result.append((label, text or ""))
    return result
