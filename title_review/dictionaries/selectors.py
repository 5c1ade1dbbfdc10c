"""Reads of the code tables used by other capabilities."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Entry

REGION = "region"


def active_entries(type_code: str) -> QuerySet[Entry]:
    """What pick lists offer: enabled entries only (old records keep showing disabled ones)."""
    return Entry.objects.filter(type__code=type_code, is_active=True)


def region_by_code(code: str) -> Entry | None:
    return Entry.objects.filter(type__code=REGION, code=code, is_active=True).first()


def region_choices() -> QuerySet[Entry]:
    return active_entries(REGION).order_by("code")


def entry_names(type_code: str, codes: Iterable[str]) -> dict[str, str]:
    """{code: name} for these codes of one code table, in one query (disabled entries too: old records
    keep their names). Codes the table does not know are left out."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = Entry.objects.filter(type__code=type_code, code__in=wanted).values_list("code", "name")
    return dict(rows)
