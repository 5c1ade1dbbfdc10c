"""Reads of the 诚信档案 for other capabilities (the precheck) and for the list page."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

from title_review.access import scoped

from .models import IntegrityKind, IntegrityRecord


def normalise_id_number(raw: str) -> str:
    """As core.identity.validate_identity stores it: no spaces, upper-case X."""
    return re.sub(r"\s", "", raw or "").upper()


def active_ban_until(id_number: str, on_date: dt.date) -> dt.date | None:
    """The last barred day of the bans in force on `on_date` for this identity number, else None.

    In force: not lifted, started on or before `on_date`, ending on or after it. Bans hold across the
    whole province, whichever office recorded them. One query (none for an empty number).
    """
    return active_restrictions(id_number, on_date).ban_until


@dataclass(frozen=True)
class Restrictions:
    """The last barred day of the 诚信档案 bans and of the 处分 periods in force on a day (None: none)."""

    ban_until: dt.date | None = None
    discipline_until: dt.date | None = None


def active_restrictions(id_number: str, on_date: dt.date) -> Restrictions:
    """Both kinds of record in force on `on_date` for this identity number, in one query (none for an
    empty number). In force: not lifted, started on or before `on_date`, ending on or after it."""
    number = normalise_id_number(id_number)
    if not number:
        return Restrictions()
    found = IntegrityRecord.objects.filter(
        id_number=number, lifted_at__isnull=True, starts_on__lte=on_date, ban_until__gte=on_date
    ).aggregate(
        ban=Max("ban_until", filter=Q(kind=IntegrityKind.BAN)),
        discipline=Max("ban_until", filter=Q(kind=IntegrityKind.DISCIPLINE)),
    )
    return Restrictions(ban_until=found["ban"], discipline_until=found["discipline"])


def integrity_records_visible_to(user: Any) -> QuerySet[IntegrityRecord]:
    """Records made by the offices in the user's `integrity.view` subtree."""
    return scoped.integrity.visible(user, "view")


def search_integrity_records(user: Any, *, keyword: str = "") -> QuerySet[IntegrityRecord]:
    """The list page: by name (part of it) or by the whole identity number."""
    qs = integrity_records_visible_to(user).select_related("organisation", "recorded_by", "lifted_by")
    keyword = (keyword or "").strip()
    if keyword:
        qs = qs.filter(Q(name__icontains=keyword) | Q(id_number=normalise_id_number(keyword)))
    return qs
