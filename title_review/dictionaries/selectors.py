"""Reads of the code tables used by other capabilities."""

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
