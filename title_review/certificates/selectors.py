"""Reads of 证书信息 and of the old system's organisation codes."""

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet

from title_review.access import scoped
from title_review.organisations.models import Organisation

from .models import Certificate, LegacyOrganisationCode


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    """证书信息 a user may see: records of organisations in the subtree where they hold certificate.view."""
    return scoped.certificates.visible(user, "view")


def search_certificates(queryset: QuerySet[Certificate], *, q: str = "", source: str = "") -> QuerySet[Certificate]:
    """Search by name, certificate number, qualification, or a full identity number (never a fragment of one)."""
    text = (q or "").strip()
    if text:
        queryset = queryset.filter(
            Q(person_name__contains=text)
            | Q(number__icontains=text)
            | Q(qualification_name__contains=text)
            | Q(id_number=text.upper())
        )
    if source:
        queryset = queryset.filter(source=source)
    return queryset


def certificates_of(*, id_type: str, id_number: str) -> QuerySet[Certificate]:
    """A person's known titles, by 证件类型 + 证件号码 (whether or not they have an account)."""
    return Certificate.objects.filter(id_type=id_type, id_number=(id_number or "").strip().upper())


def organisations_by_code_or_legacy(codes: Collection[str]) -> dict[str, Organisation]:
    """This system's codes first; the rest as old 单位代码 (else 主管单位代码). Two queries for any number."""
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    rest = set(codes) - set(found)
    if rest:
        for mapping in (
            LegacyOrganisationCode.objects.filter(code__in=rest).select_related("organisation").order_by("-kind")
        ):
            found.setdefault(mapping.code, mapping.organisation)
    return found
