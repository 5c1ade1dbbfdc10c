"""Reads of 证书信息 and of the old system's organisation codes."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from title_review.access import scoped
from title_review.access.policies import person_pk
from title_review.accounts.models import User
from title_review.organisations.models import Organisation

from .models import Certificate, CertificateSource, LegacyOrganisationCode, VerificationLookup


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    """证书信息 a user may see: records of organisations in the subtree where they hold certificate.view."""
    return scoped.certificates.visible(user, "view")


def unit_certificates(user: Any) -> QuerySet[Certificate]:
    """本单位证书: the certificates whose 电子证书 the user may download: the office's subtree, the unit's own,
    and the holder's own by 证件类型 + 证件号码."""
    return scoped.certificates.visible(user, "download")


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


def certificates_to_number(user: Any, *, document_number: str = "", q: str = "") -> QuerySet[Certificate]:
    """证书编号: the 待编号 certificates issued here in the user's `certificate.number` subtree, by batch
    (发文字号 the 发文 gave them) or by name / qualification."""
    queryset = _pending(user)
    if document_number:
        queryset = queryset.filter(document_number=document_number)
    text = (q or "").strip()
    if text:
        queryset = queryset.filter(Q(person_name__contains=text) | Q(qualification_name__contains=text))
    return queryset.select_related("organisation").order_by("document_number", "pk")


def _pending(user: Any) -> QuerySet[Certificate]:
    """待编号 (issued here, no number yet) in the user's `certificate.number` subtree: the certificate_pending index."""
    return scoped.certificates.visible(user, "number").filter(source=CertificateSource.ISSUED, number="")


def pending_batches(user: Any) -> list[str]:
    """The 发文字号 of the batches that still have certificates waiting for their number, by a loose index scan of
    the certificate_pending index: the smallest 发文字号 in scope, then the next one above it, … — one probe per
    batch, whatever the number of certificates waiting (a DISTINCT read and sorted every one of them: 30,000 in
    40 batches, 42–77 ms against ≈ 1 ms; bench/certificates_scale.py). The same SQL runs on SQLite."""
    pending = _pending(user)
    db = pending.db

    def first_after(after: Any) -> tuple[str, list[Any]]:
        # The ORM's own SQL for "the smallest 发文字号 of a row in scope above `after`", every value a parameter.
        step = pending.filter(document_number__gt=after).order_by("document_number").values("document_number")[:1]
        sql, params = step.query.get_compiler(using=db).as_sql()
        return sql, list(params)

    try:
        seed, seed_params = first_after("")  # "" is no batch (numbered one by one)
        step, step_params = first_after(RawSQL('"seen"."document_number"', ()))  # noqa: S611 — a fixed column name
    except EmptyResultSet:  # no scope: nothing waits
        return []
    sql = (
        f"WITH RECURSIVE seen(document_number) AS (SELECT ({seed}) "  # noqa: S608 — the ORM's SQL, values as parameters
        f"UNION ALL SELECT ({step}) FROM seen WHERE seen.document_number IS NOT NULL) "
        "SELECT document_number FROM seen WHERE document_number IS NOT NULL"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, seed_params + step_params)
        return sorted(row[0] for row in cursor.fetchall())


def person_of(user: Any) -> Any:
    """The person whose certificates 我的证书 shows (a 个人申报账号's person, else the account itself)."""
    pk = person_pk(user)
    if pk == getattr(user, "pk", None):
        return user
    return User.objects.filter(pk=pk).first() if pk is not None else None


def my_certificates(user: Any) -> QuerySet[Certificate]:
    """我的证书: the numbered certificates of the signed-in person, found by their 证件类型 + 证件号码."""
    person = person_of(user)
    if person is None or not person.id_number:
        return Certificate.objects.none()
    return certificates_of(id_type=person.id_type, id_number=person.id_number).exclude(number="")


def certificate_for_verification(*, number: str, name: str = "") -> Certificate | None:
    """证书查验: the numbered certificate with this 证书编号 (and this holder's name, when given)."""
    number = (number or "").strip()
    if not number:
        return None
    queryset = Certificate.objects.filter(number=number)
    if name:
        queryset = queryset.filter(person_name=(name or "").strip())
    # A number issued here first (unique); an old system's number may repeat across issuers: the newest.
    return queryset.order_by("-source", "-obtained_on", "-pk").first()


@dataclass(frozen=True)
class LookupSummary:
    organisations: list[dict[str, Any]]
    anonymous_days: list[dict[str, Any]]


def lookups_of(certificate_ids: Collection[int], *, days: int = 90) -> LookupSummary:
    """Who looked the holder's certificates up in the last `days` days: signed-in viewers by organisation
    (with their last look), anonymous ones as counts by day. Two queries for any number of certificates."""
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = VerificationLookup.objects.filter(certificate_id__in=certificate_ids, looked_on__gte=since)
    organisations = list(
        rows.filter(signed_in=True)
        .values("organisation__name")
        .annotate(count=Count("id"), last=Max("looked_at"))
        .order_by("-last")
    )
    anonymous = list(
        rows.filter(signed_in=False).values("looked_on").annotate(count=Count("id")).order_by("-looked_on")
    )
    return LookupSummary(organisations=organisations, anonymous_days=anonymous)
